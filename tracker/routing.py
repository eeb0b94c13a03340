"""What a route parameter can be: every `<int:…>` and `<…>` in the app's routes goes through these converters.

A value that does not fit matches no route, so the answer is a 404, never a database error: an id beyond the
database's integers or in Unicode digits, a text segment with a NUL or other control character (PostgreSQL refuses
NUL in a query).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, Rule, UnicodeConverter, ValidationError

from tracker.numbers import DATABASE_INT_MAX


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>`: ASCII digits up to DATABASE_INT_MAX (werkzeug's own takes any Unicode digit, and any size)."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


class TextSegmentConverter(UnicodeConverter):
    """`<…>` and `<string:…>`: one path segment without control characters (links' secrets are URL-safe text)."""

    def to_python(self, value: str) -> str:
        if any(ord(character) < 32 or 127 <= ord(character) < 160 for character in value):
            raise ValidationError()
        return value


class LazyBuildRule(Rule):
    """A route whose URL-building functions are compiled when a URL is first built from it, not when it is added.

    werkzeug writes two Python functions for each rule as it is added to the map (source built as a syntax tree and
    compiled), to build its URLs with and without extra query arguments: 186 compiled at start-up for the app's 93
    routes, a tenth of the app's own start-up, for URLs most of which a worker builds much later or never (issue
    17, start → first page). `Rule.build` calls them as `self._build(**values)` and `self._build_unknown(**values)`;
    each stands in for its compiled function until that first call, then leaves it in its place. `_compile_builder`
    is werkzeug's own (private; the release is pinned in constraints.txt): tests/unit/test_lazy_build_rule.py checks
    that these rules build the same URLs as werkzeug's.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        name = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, **values: Any) -> tuple[str, str]:
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, compiled)  # two threads may both compile it: the same function either way
            return compiled(**values)

        return build_first


# A number no id reaches, put where an id goes to build a URL once and fill it in for every row or link after.
ID_PLACEHOLDER = 918273645546372819


def around_placeholder(url: str | None, placeholder: object) -> tuple[str, str] | None:
    """The text of `url` before and after `placeholder`, or None when it is not there as it is."""
    before, found, after = (url or "").partition(str(placeholder))
    return (before, after) if found else None


def register(app: Flask) -> None:
    """Before any route is added."""
    app.url_map.converters.update(int=DatabaseIdConverter, default=TextSegmentConverter, string=TextSegmentConverter)
