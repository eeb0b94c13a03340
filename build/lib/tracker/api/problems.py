"""The API's errors: JSON problem details (RFC 9457), never an HTML page."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, request

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"


class ApiError(Exception):
    """A request the API refuses: `status` and a `detail` that says what to change."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def is_api_request() -> bool:
    """Whether the request is for the API (matched or not, so an unknown API address is answered in JSON too)."""
    return request.path.startswith(API_PREFIX)


def to_json(body: Any) -> str:
    """Compact JSON with the keys in the order they were written (a reporting tool shows columns in that order);
    the same body always gives the same text, so an ETag over it is stable."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    response = current_app.response_class(to_json(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    return response
