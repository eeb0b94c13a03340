"""Response headers that every page carries."""

from __future__ import annotations

from flask import Flask, Request, Response, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _without_nul(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str]:
    return ImmutableMultiDict(
        [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in values.items(multi=True)]
    )


class TrackerRequest(Request):
    """A request whose form and query values never carry NUL characters.

    No text a person types contains one, and PostgreSQL refuses them in text columns (a query with
    one fails instead of finding nothing), so they are removed where the values come in.
    """

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:
        # werkzeug annotates cached_property.__get__ as returning the value even when read from the class, where it
        # returns the descriptor itself (whose fget is the parent's getter).
        return _without_nul(Request.args.fget(self))  # type: ignore[attr-defined]


def register(app: Flask) -> None:
    app.request_class = TrackerRequest

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
