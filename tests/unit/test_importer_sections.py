"""Recommendation sections pasted on their own match their hand-written expected results."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tracker.domain.importer import TIMESCALES, ExtractedRecommendation, parse_report

SECTIONS = Path(__file__).parents[1] / "fixtures" / "sections"
NAMES = sorted(path.stem for path in SECTIONS.glob("*.txt"))
# The expected files name tiers by their sub-heading ("priority"); the importer's timescales.
PRIORITY_TO_TIMESCALE = {"areas_for_improvement": "improvement", "priority": "immediate"}


def _expected(name: str) -> dict[str, Any]:
    return json.loads((SECTIONS / f"{name}.expected.json").read_text(encoding="utf-8"))


def _found(name: str) -> list[ExtractedRecommendation]:
    return parse_report((SECTIONS / f"{name}.txt").read_text(encoding="utf-8")).recommendations


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _as_expected(recommendation: ExtractedRecommendation) -> dict[str, Any]:
    return {
        "priority": recommendation.timescale,
        "number": int(recommendation.number) if recommendation.number else None,
        "addressee": recommendation.addressee,
        "theme": recommendation.theme,
        "text": _words(recommendation.text),
    }


def _expectation(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "priority": PRIORITY_TO_TIMESCALE.get(item["priority"], item["priority"]),
        "number": item["number"],
        "addressee": item["addressee"],
        "theme": item["theme"],
        "text": _words(item["text"]),
    }


def test_there_are_four_sections() -> None:
    assert NAMES == ["birmingham_2014_sif", "bradford_2018_ilacs", "kent_2013_lac", "surrey_2025_ilacs"]


@pytest.mark.parametrize("name", NAMES)
def test_section_count_matches(name: str) -> None:
    expected = _expected(name)
    assert len(expected["recommendations"]) == expected["count"]
    assert len(_found(name)) == expected["count"]


@pytest.mark.parametrize("name", NAMES)
def test_section_recommendations_match_one_by_one(name: str) -> None:
    expected = [_expectation(item) for item in _expected(name)["recommendations"]]
    assert [_as_expected(r) for r in _found(name)] == expected


@pytest.mark.parametrize("name", NAMES)
def test_section_timescales_are_known(name: str) -> None:
    assert {r.timescale for r in _found(name)} <= set(TIMESCALES)


def test_footnote_text_and_cross_references_are_not_recommendation_text() -> None:
    found = _found("surrey_2025_ilacs")
    assert not any("cross-referenced" in r.text for r in found)
    assert [r.theme for r in found] == [
        "Outcome 3, National Framework",
        "Outcome 4, National Framework",
        "Outcome 3, National Framework",
    ]


def test_running_header_between_pages_is_dropped() -> None:
    assert not any("Kent County Council" in r.text for r in _found("kent_2013_lac"))
