"""Logging: one line per event, each carrying the request id that the response also returns."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_logger = logging.getLogger("tracker.access")


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """Tracebacks on the same line as their event (newlines shown as " | "), so each event is one line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


def configure_logging(level: int = logging.INFO) -> None:
    """One handler on the root logger, formatted as one line per event with the request id."""
    root = logging.getLogger()
    if any(isinstance(f, RequestIdFilter) for handler in root.handlers for f in handler.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def register(app: Flask) -> None:
    if not app.testing:
        configure_logging(logging.getLevelName(app.config.get("LOG_LEVEL", "INFO")))

    @app.before_request
    def assign_request_id() -> None:
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = supplied if _SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "-")
        if request.endpoint != "static":
            elapsed_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
            access_logger.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms)
        return response
