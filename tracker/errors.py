"""GOV.UK-styled error pages."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import NoResultFound, SQLAlchemyError
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from tracker.api.problems import is_api_request, problem
from tracker.extensions import db

logger = logging.getLogger(__name__)

TEMPLATES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html", 413: "errors/413.html"}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str | Response, int]:
        if request.is_json:
            return jsonify(error="The page has expired or you signed in again elsewhere: reload the page"), 400
        return render_template("errors/csrf.html", reason=error.description), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        return render_template("errors/413.html"), 413

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str | Response, int] | Response:
        code = error.code or 500
        if is_api_request():
            allowed: Iterable[str] | None = getattr(error, "valid_methods", None)  # MethodNotAllowed's
            allow = {"Allow": ", ".join(sorted(allowed))} if allowed else {}
            return problem(code, error.description or "", allow)
        if request.is_json:  # a page's script sent JSON (the review page's field saves): it reads JSON back
            return jsonify(error=error.description or error.name), code
        template = TEMPLATES.get(code, "errors/generic.html")
        return render_template(template, error=error), code

    @app.errorhandler(NoResultFound)
    def no_such_record(_error: NoResultFound) -> ResponseReturnValue:
        """The record a URL names is not there (tracker.loaders): the same 404 page as an unknown URL."""
        return http_error(NotFound())

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int] | Response:
        logger.error("Unhandled error", exc_info=getattr(error, "original_exception", error))
        try:
            db.session.rollback()  # a failed transaction must not break the next request on this connection
        except SQLAlchemyError:
            logger.warning("Could not roll back after the error: the database may be unreachable")
        if is_api_request():
            return problem(500, "Something went wrong in the tracker: try again later")
        return render_template("errors/500.html"), 500
