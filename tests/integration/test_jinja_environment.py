"""The app's Jinja environment: templates' globals with a set of keys, and imports that still see them right."""

from __future__ import annotations

from collections import ChainMap

import pytest
from jinja2 import DictLoader

from tracker.jinja_environment import TemplateGlobals, TrackerEnvironment

MACROS = '{% macro greet() %}{{ greeting }}, {{ who | default("nobody") }}{% endmacro %}'
PAGE = '{% from "macros" import greet %}{{ greet() }}'


def test_template_globals_have_a_chain_map_s_keys_and_see_the_environment_change() -> None:
    environment_globals = {"a": 1, "b": 2}
    own = {"b": 3, "c": 4}
    template_globals = TemplateGlobals(own, environment_globals)
    assert template_globals.keys() == set(ChainMap(own, environment_globals).keys()) == {"a", "b", "c"}
    assert template_globals["b"] == 3
    environment_globals["d"] = 5
    assert "d" in template_globals.keys() and template_globals["d"] == 5
    with pytest.raises(KeyError):
        template_globals["e"]
    assert template_globals.get("e", 6) == 6


def test_the_app_s_templates_get_them(app) -> None:
    assert isinstance(app.jinja_env, TrackerEnvironment)
    assert isinstance(app.jinja_env.get_template("emails/_items.html").globals, TemplateGlobals)


def test_an_imported_macro_file_is_kept_unless_the_importer_has_globals_it_lacks(app) -> None:
    """Issue 17: Jinja reuses an imported file's module when the importing template has no globals the imported one
    lacks (decided with the keys of both), and makes one with them otherwise."""
    environment = TrackerEnvironment(app, loader=DictLoader({"macros": MACROS, "page": PAGE}))
    environment.globals["greeting"] = "Hello"
    page = environment.get_template("page")
    assert page.render() == "Hello, nobody"
    module = environment.get_template("macros")._module
    assert module is not None
    assert page.render() == "Hello, nobody"
    assert environment.get_template("macros")._module is module  # kept, not made again
    environment.globals["greeting"] = "Good morning"  # the environment's globals are seen by templates loaded before
    own = environment.get_template("page", globals={"who": "Sam"})
    assert own.render() == "Good morning, Sam"  # the page's own global reaches the macro: a module made for it


ESCAPING = """{{ text }}|{{ number }}|{{ nothing }}|{{ safe }}|{{ own_html }}|{{ text | e }}|{{ text ~ safe }}
{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}|{{ block | upper }}|{% filter upper %}{{ text }}{% endfilter %}
{% macro cell(value) %}<td>{{ value }}</td>{% endmacro %}{{ cell(text) }}|{{ cell(safe) | e }}
{{ cell(text) | striptags }}
{% for item in items %}{{ loop.index }}{{ item }}{% endfor %}|{{ "<b>" if number else "" }}|{{ none_string }}
{% autoescape false %}{{ text }}{% endautoescape %}|{% autoescape not number %}{{ text }}{% endautoescape %}"""


class OwnHtml:
    def __html__(self) -> str:
        return "<em>its own</em>"

    def __str__(self) -> str:
        return "<not this>"


def test_values_are_written_out_escaped_as_jinja_writes_them(app) -> None:
    """Issue 17: `{{ value }}` is written through escape_output (escape's text without a Markup made of each): the
    page is the same, character for character, as stock Jinja's with markupsafe.escape, whatever the value."""
    from jinja2 import Environment
    from markupsafe import Markup

    values = {
        "text": """<a href="x">Tom & Jerry's</a>""",
        "number": 5,
        "nothing": None,
        "safe": Markup("<b>safe</b>"),
        "own_html": OwnHtml(),
        "items": ["<1>", 2, Markup("<3>")],
        "none_string": "None",
    }
    ours = TrackerEnvironment(app, autoescape=True)
    stock = Environment(autoescape=True)
    assert "environment.escape_output(" in ours.compile(ESCAPING, raw=True)
    assert "escape_output" not in stock.compile(ESCAPING, raw=True)
    page = ours.from_string(ESCAPING).render(values)
    assert page == stock.from_string(ESCAPING).render(values)
    assert "&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;" in page and "<em>its own</em>" in page


def test_the_app_s_pages_use_it(app) -> None:
    source = app.jinja_env.loader.get_source(app.jinja_env, "actions/list_actions.html")[0]
    assert "environment.escape_output(" in app.jinja_env.compile(source, raw=True)
