"""The app's Jinja environment: Flask's, with templates' globals whose keys Jinja can compare quickly."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment


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
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Jinja's, as a TemplateGlobals."""
        return TemplateGlobals({} if d is None else d, self.globals)


class TrackerFlask(Flask):
    jinja_environment = TrackerEnvironment
