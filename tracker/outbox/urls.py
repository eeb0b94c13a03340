"""Links in emails: absolute URLs from BASE_URL, with or without a request (the scheduler has none)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app

from tracker.routing import ID_PLACEHOLDER, around_placeholder

# A value that reads the same in a URL path as in text, and so can be put into one built around a placeholder.
_SAME_IN_A_PATH = re.compile(r"[A-Za-z0-9_.~-]+\Z")
_PLACEHOLDERS: dict[type, object] = {int: ID_PLACEHOLDER, str: f"zz{ID_PLACEHOLDER}zz"}


class UrlBuilder:
    """Absolute URLs from BASE_URL, with or without a request (the scheduler has none)."""

    def __init__(self) -> None:
        base = urlsplit(current_app.config["BASE_URL"])
        self._adapter = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
        )
        self._templates: dict[tuple[str, str, type], tuple[str, str] | None] = {}

    def with_value(self, endpoint: str, name: str, value: int | str) -> str | None:
        """The URL of `endpoint` whose one parameter `name` is `value`, as `self(endpoint, name=value)` builds it:
        built once per endpoint around a placeholder and filled in after (an email with ten actions has twenty
        links; building each from the URL map was most of writing a digest's links; issue 17)."""
        kind = type(value)
        plain = _SAME_IN_A_PATH.match(str(value)) and not (kind is int and int(value) < 0)
        if kind not in _PLACEHOLDERS or not plain:
            return self(endpoint, **{name: value})
        key = (endpoint, name, kind)
        if key not in self._templates:
            placeholder = _PLACEHOLDERS[kind]
            self._templates[key] = around_placeholder(self(endpoint, **{name: placeholder}), placeholder)
        template = self._templates[key]
        if template is None:  # no such endpoint, or the value is not in the path as it is
            return self(endpoint, **{name: value})
        return f"{template[0]}{value}{template[1]}"

    def __call__(self, endpoint: str, **values: object) -> str | None:
        """The URL, or None when the endpoint is not part of this app (yet)."""
        if endpoint not in current_app.view_functions:
            return None
        return self._adapter.build(endpoint, values, force_external=True)
