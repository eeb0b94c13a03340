"""Logging: one line per event, each carrying the request id that the response also returns.

LOG_FORMAT=text (the default) writes `time level logger request_id=… message`; LOG_FORMAT=json writes one JSON
object per line (python-json-logger) with the same fields and every extra one as its own key: each request's
user_id, client, method, path, status and duration_ms, and each security event's fields (tracker/security_log.py).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_logger = logging.getLogger("tracker.access")
# Route parameters that are secrets (set-password, reset and update links, calendar feeds): never logged.
SECRET_ROUTE_PARAMETERS = ("token",)
REDACTED = "[redacted]"
LOG_FORMATS = ("text", "json")


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """Tracebacks on the same line as their event (newlines shown as " | "), so each event is one line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


class TrackerJsonFormatter(JsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, request_id, message, then the extras. A
    security event's message is its name: its fields are keys of their own."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        super().add_fields(log_data, record, message_dict)
        if "event" in log_data:
            log_data["message"] = log_data["event"]


def json_formatter() -> JsonFormatter:
    return TrackerJsonFormatter(
        "%(levelname)s %(name)s %(request_id)s %(message)s", rename_fields={"levelname": "level", "name": "logger"}
    )


def configure_logging(level: int = logging.INFO, log_format: str = "text") -> None:
    """One handler on the root logger, formatted as one line per event with the request id."""
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be text or json, not {log_format!r}")
    root = logging.getLogger()
    if any(isinstance(f, RequestIdFilter) for handler in root.handlers for f in handler.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter() if log_format == "json" else OneLineFormatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def configure_from(app: Flask) -> None:
    configure_logging(logging.getLevelName(app.config.get("LOG_LEVEL", "INFO")), app.config.get("LOG_FORMAT", "text"))


def logged_path() -> str:
    """The request's path with any secret route parameter replaced by [redacted]."""
    path = request.path
    for name in SECRET_ROUTE_PARAMETERS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def _user_id() -> int | None:
    """The signed-in person's id, when the request has loaded them (never a query of its own: /healthz must answer
    with the database down)."""
    user = g.get("_login_user")
    if user is None or user.is_anonymous:
        return None
    # The id the session knows the person by: reading user.id after the request's commit has expired it would load
    # the row again, a query of its own after every change.
    identity = inspect(user).identity
    return int(identity[0]) if identity else None


def register(app: Flask) -> None:
    if not app.testing:
        configure_from(app)

    @app.before_request
    def assign_request_id() -> None:
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = supplied if _SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "-")
        if request.endpoint != "static":
            elapsed_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
            fields = {
                "user_id": _user_id(),
                "client": request.remote_addr or "unknown",
                "method": request.method,
                "path": logged_path(),
                "status": response.status_code,
                "duration_ms": elapsed_ms,
            }
            access_logger.info(
                "%s %s %s %.1fms user_id=%s client=%s",
                fields["method"],
                fields["path"],
                fields["status"],
                elapsed_ms,
                fields["user_id"] if fields["user_id"] is not None else "-",
                fields["client"],
                extra=fields,
            )
        return response
