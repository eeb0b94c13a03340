"""The app's Jinja environment: Flask's, with templates' globals whose keys Jinja can compare quickly, and values
written out escaped without making a Markup of each."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

import markupsafe
from flask import Flask
from flask.templating import Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr

from tracker.routing import LazyBuildRule

# markupsafe's escaping of a str, in C, without the Markup it wraps the result in (the same characters: &, <, >, '
# and "); markupsafe's own escape where a release no longer has it.
_escape_text = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(markupsafe.escape(text)))


def escape_output(value: Any) -> str:
    """What `{{ value }}` writes in an autoescaped template: markupsafe.escape's text, as a plain str.

    Jinja wraps each value it writes in escape(), which returns a Markup, a str subclass made through a Python-level
    __new__ that asks the text it was just given for __html__ again. A value written out is only ever joined to the
    rest of the page (what a macro, a {% set %} block or a {% filter %} block collects is made a Markup as a whole),
    so the Markup of each was wasted: a thousand of them on the All actions page, and on every digest's rows (issue
    17)."""
    if type(value) is str:
        return _escape_text(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_text(str(value))


class TrackerCodeGenerator(CodeGenerator):
    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        """Jinja's, with escape_output for escape where autoescaping is fixed when the template is compiled (where
        an {% autoescape %} block decides it as the template runs, Jinja's own code)."""
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals as Jinja keeps them (its own over the environment's, which it sees change), whose
    `keys()` is a set.

    At every `{% from … import … %}` of every render Jinja asks which of the importing template's globals the
    imported one lacks (`globals_keys - template.globals.keys()`), to know whether the imported module it keeps will
    do. Against a ChainMap's keys view that is a Python-level walk through each map for each of the app's globals:
    a third of the time of rendering a digest, and every page imports the GOV.UK macros (issue 17). A set of the
    same keys answers it in C."""

    def keys(self) -> set[str]:  # type: ignore[override]  # a set: the same keys, compared in C
        return set().union(*self.maps)

    def __getitem__(self, key: str) -> Any:
        """ChainMap's lookup without its KeyError raised and caught for every global the template does not set
        itself (each render copies all of them into its context)."""
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        return self.__missing__(key)


class TrackerEnvironment(Environment):
    code_generator_class = TrackerCodeGenerator
    escape_output = staticmethod(escape_output)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Jinja's, as a TemplateGlobals."""
        return TemplateGlobals({} if d is None else d, self.globals)


class TrackerFlask(Flask):
    jinja_environment = TrackerEnvironment
    url_rule_class = LazyBuildRule
