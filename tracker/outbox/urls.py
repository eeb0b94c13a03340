"""Links in emails: absolute URLs from BASE_URL, with or without a request (the scheduler has none)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


class UrlBuilder:
    """Absolute URLs from BASE_URL, with or without a request (the scheduler has none)."""

    def __init__(self) -> None:
        base = urlsplit(current_app.config["BASE_URL"])
        self._adapter = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
        )

    def __call__(self, endpoint: str, **values: object) -> str | None:
        """The URL, or None when the endpoint is not part of this app (yet)."""
        if endpoint not in current_app.view_functions:
            return None
        return self._adapter.build(endpoint, values, force_external=True)
