"""What a route parameter can be: every `<int:…>` and `<…>` in the app's routes goes through these converters.

A value that does not fit matches no route, so the answer is a 404, never a database error: an id beyond the
database's integers or in Unicode digits, a text segment with a NUL or other control character (PostgreSQL refuses
NUL in a query).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask
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


class LazyView:
    """A view function that is imported with its module when a request first needs it, not at start-up.

    Each feature's blueprint module (`tracker/<feature>/blueprint.py`) lists its URLs and names the view function
    each one runs, so the app starts with every route known (`url_for` builds them all) without importing the views,
    their forms, queries and services: only what the first page needs is imported before it is served (issue 17,
    start → first page). The first request for a view imports its module once per worker; after that it is a call
    through this object.
    """

    # Flask's add_url_rule reads these from a view function: given here, adding the route imports nothing.
    methods = None
    required_methods: frozenset[str] = frozenset()
    provide_automatic_options = None

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        self._view: Callable[..., Any] | None = None
        # What Flask-WTF's CSRF exemptions compare, as the function's own.
        self.__module__, self.__name__ = module, name

    @property
    def view(self) -> Callable[..., Any]:
        # No lock of its own: importlib's makes threads wait for one import, and two that look the function up at
        # once find the same one. (functools.cached_property would hold one lock for every LazyView in the process
        # on Python 3.11, each first request queued behind any other's import; 3.12 took that lock out.)
        if self._view is None:
            module = importlib.import_module(self.module)
            if not hasattr(module, self.name):  # an AttributeError here would be taken for `view` missing
                raise LookupError(f"A blueprint names the view {self.module}.{self.name}, which is not there")
            self._view = getattr(module, self.name)
        return self._view

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(*args, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        """The function's own attributes, such as the permission its decorators marked it with."""
        if attribute.startswith("__") or attribute in {"view", "module", "name"}:
            raise AttributeError(attribute)
        return getattr(self.view, attribute)

    def __eq__(self, other: object) -> bool:  # Flask compares an endpoint's view with the one it has
        return isinstance(other, LazyView) and (self.module, self.name) == (other.module, other.name)

    def __hash__(self) -> int:
        return hash((self.module, self.name))

    def __repr__(self) -> str:
        return f"<LazyView {self.module}.{self.name}>"


class LazyRoutes:
    """A blueprint's URL table: `routes.get("/actions", "lists.list_actions")` as `@bp.get("/actions")` on
    `list_actions` in `tracker.actions.routes.lists` would say, but without importing that module (LazyView). The
    views are in the feature's `routes` beside the blueprint's module; the endpoint is the function's name, as
    Flask's decorators make it."""

    def __init__(self, bp: Blueprint) -> None:
        self.bp = bp
        self.package = f"{bp.import_name.rpartition('.')[0]}.routes"  # tracker.<feature>.blueprint → .routes

    def view(self, target: str) -> LazyView:
        module, _, name = target.rpartition(".")
        return LazyView(f"{self.package}.{module}" if module else self.package, name)

    def route(self, rule: str, target: str, **options: Any) -> None:
        view = self.view(target)
        self.bp.add_url_rule(rule, view.name, view, **options)

    def get(self, rule: str, target: str, **options: Any) -> None:
        self.route(rule, target, methods=["GET"], **options)

    def post(self, rule: str, target: str, **options: Any) -> None:
        self.route(rule, target, methods=["POST"], **options)

    def get_post(self, rule: str, target: str, **options: Any) -> None:
        self.route(rule, target, methods=["GET", "POST"], **options)

    def errorhandler(self, error: type[Exception] | int, target: str) -> None:
        self.bp.register_error_handler(error, self.view(target))
