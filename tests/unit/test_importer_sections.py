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


def _expectation(item: dict[str, Any], section_body: dict[str, str]) -> dict[str, Any]:
    """The expected result under the importer's conventions (tests/fixtures/expected, README "Accuracy"), which
    differ from these files' own in two ways. The addressee is the body the report's structure names (the
    "local authority" or "LSCB" section), never the first words of the item: these files give an item's own
    subject ("The BSCB", "Senior leaders and managers") where it has one. And a National Framework
    cross-reference stays in the text as printed (their `text_with_crossref`); a theme is a sub-heading."""
    own_subject = item.get("addressee_source") == "item"
    return {
        "priority": PRIORITY_TO_TIMESCALE.get(item["priority"], item["priority"]),
        "number": item["number"],
        "addressee": section_body[item["section"]] if own_subject else item["addressee"],
        "theme": None if "text_with_crossref" in item else item["theme"],
        "text": _words(item.get("text_with_crossref", item["text"])),
    }


def _section_bodies(items: list[dict[str, Any]]) -> dict[str, str]:
    """Each section's body, as the items that take theirs from the section give it."""
    return {item["section"]: item["addressee"] for item in items if item.get("addressee_source") == "section"}


def test_there_are_four_sections() -> None:
    assert NAMES == ["birmingham_2014_sif", "bradford_2018_ilacs", "kent_2013_lac", "surrey_2025_ilacs"]


@pytest.mark.parametrize("name", NAMES)
def test_section_count_matches(name: str) -> None:
    expected = _expected(name)
    assert len(expected["recommendations"]) == expected["count"]
    assert len(_found(name)) == expected["count"]


@pytest.mark.parametrize("name", NAMES)
def test_section_recommendations_match_one_by_one(name: str) -> None:
    items = _expected(name)["recommendations"]
    expected = [_expectation(item, _section_bodies(items)) for item in items]
    assert [_as_expected(r) for r in _found(name)] == expected


@pytest.mark.parametrize("name", NAMES)
def test_section_timescales_are_known(name: str) -> None:
    assert {r.timescale for r in _found(name)} <= set(TIMESCALES)


def test_footnote_text_is_not_recommendation_text_and_cross_references_stay_as_printed() -> None:
    found = _found("surrey_2025_ilacs")
    assert not any("cross-referenced" in r.text for r in found)
    assert [r.text[r.text.rindex("(") :] for r in found] == [
        "(Outcome 3, National Framework)",
        "(Outcome 4, National Framework)",
        "(Outcome 3, National Framework)",
    ]


def test_running_header_between_pages_is_dropped() -> None:
    assert not any("Kent County Council" in r.text for r in _found("kent_2013_lac"))
