"""The app's routes compile their URL-building functions on first use (tracker.routing.LazyBuildRule, issue 17's
start-up): the URLs they build are werkzeug's own, with and without extra arguments, defaults and converters."""

from __future__ import annotations

import threading

import pytest
from flask import Flask, url_for
from werkzeug.routing import BuildError, Map, Rule

from tracker import routing
from tracker.jinja_environment import TrackerFlask
from tracker.routing import LazyBuildRule

RULES = [
    ("/actions/<int:action_id>", "action", {}),
    ("/inspections/<int:inspection_id>/plan", "plan", {}),
    ("/reports/<int:report_id>/<kind>", "report", {"kind": "html"}),
    ("/s/<path:rest>", "files", {}),
    ("/", "home", {}),
]
VALUES = [
    ("action", {"action_id": 7}),
    ("action", {"action_id": 7, "page": 2, "q": "a b&c"}),
    ("plan", {"inspection_id": 12, "format": "docx"}),
    ("report", {"report_id": 3}),
    ("report", {"report_id": 3, "kind": "pdf"}),
    ("files", {"rest": "a/b c/é"}),
    ("home", {"next": "/x?y=1"}),
]


def _map(rule_class: type[Rule]) -> Map:
    url_map = Map()
    url_map.converters.update(int=routing.DatabaseIdConverter, default=routing.TextSegmentConverter)
    for rule, endpoint, defaults in RULES:
        url_map.add(rule_class(rule, endpoint=endpoint, defaults=defaults or None))
    return url_map


@pytest.mark.parametrize(("endpoint", "values"), VALUES)
@pytest.mark.parametrize("append_unknown", [True, False])
def test_urls_are_werkzeugs_own(endpoint: str, values: dict, append_unknown: bool) -> None:
    def build(rule_class: type[Rule]) -> str:
        adapter = _map(rule_class).bind("tracker.test", "/council")
        try:
            return adapter.build(endpoint, values, append_unknown=append_unknown)
        except BuildError as error:  # a default given another value: werkzeug builds no URL
            return f"BuildError {error.endpoint}"

    assert build(LazyBuildRule) == build(Rule)


def test_the_functions_are_compiled_at_the_first_url_and_kept() -> None:
    rule = LazyBuildRule("/actions/<int:action_id>", endpoint="action")
    Map([rule])
    first_standin = rule._build_unknown
    assert first_standin.__name__ == "build_first"
    assert rule.build({"action_id": 5}) == ("", "/actions/5")
    compiled = rule._build_unknown
    assert compiled.__name__ != "build_first"
    assert rule.build({"action_id": 6, "x": "1"}) == ("", "/actions/6?x=1")
    assert rule._build_unknown is compiled
    assert rule._build.__name__ == "build_first"  # the other, without extra arguments, not needed yet


def test_threads_building_the_first_url_together_get_the_same_answer() -> None:
    url_map = _map(LazyBuildRule).bind("tracker.test")
    answers: list[str] = []
    barrier = threading.Barrier(8)

    def build() -> None:
        barrier.wait()
        answers.append(url_map.build("action", {"action_id": 99, "page": 2}))

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["/actions/99?page=2"] * 8


def test_the_app_adds_its_routes_as_lazy_rules(app: Flask) -> None:
    assert isinstance(app, TrackerFlask)
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 50
    assert all(isinstance(rule, LazyBuildRule) for rule in rules)
    with app.test_request_context():
        assert url_for("actions.view_action", action_id=4, tab="history") == "/actions/4?tab=history"
