"""The API's errors: JSON problem details (RFC 9457), never an HTML page."""

from __future__ import annotations

from http import HTTPStatus

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


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    response = current_app.response_class(current_app.json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    return response
