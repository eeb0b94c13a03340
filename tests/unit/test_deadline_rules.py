"""Statutory deadline rules, checked against the dates councils really worked to."""

from datetime import date

import pytest

from tracker.domain.deadline_rules import (
    PUBLICATION_CHECKLIST,
    STATUTORY_RULES,
    DeadlineRule,
    compute_due_on,
    rule_by_code,
    rules_for_framework,
)
from tracker.domain.working_days import BANK_HOLIDAYS


def _rule(code: str) -> DeadlineRule:
    rule = rule_by_code(code)
    assert rule is not None
    return rule


@pytest.mark.parametrize(
    ("code", "received_on", "published_on", "expected"),
    [
        # Real dates: Leicester's JAR paper (published Tuesday 3 June 2008).
        ("jar_publish_report", date(2008, 5, 20), date(2008, 6, 3), date(2008, 7, 14)),
        ("jar_action_plan", date(2008, 5, 20), date(2008, 6, 3), date(2008, 9, 9)),
        # Real date: a JAR published 14 August 2006, action plan due Monday 20 November 2006.
        ("jar_action_plan", None, date(2006, 8, 14), date(2006, 11, 20)),
        # Real date: an ILACS report published Friday 1 April 2022, plan due 15 July 2022.
        ("sif_written_statement", None, date(2022, 4, 1), date(2022, 7, 15)),
        # Worked examples (no published council date to hand): counted after receipt.
        # Monday 28 March 2022 + 30 working days, over Easter 2022 and the May Day holiday.
        ("sif_publish_report", date(2022, 3, 28), date(2022, 4, 1), date(2022, 5, 12)),
        # Friday 1 April 2022 + 70 working days, as the ILACS plan but anchored on receipt.
        ("send_written_statement", date(2022, 4, 1), date(2022, 4, 20), date(2022, 7, 15)),
        # Received Friday 22 December 2017: day 1 is Wednesday 27 December; Easter 2018 inside.
        ("send_written_statement", date(2017, 12, 22), None, date(2018, 4, 6)),
    ],
)
def test_compute_due_on(code: str, received_on: date | None, published_on: date | None, expected: date) -> None:
    due_on = compute_due_on(_rule(code), received_on=received_on, published_on=published_on, holidays=BANK_HOLIDAYS)
    assert due_on == expected


@pytest.mark.parametrize(
    ("code", "received_on", "published_on"),
    [
        ("jar_action_plan", date(2008, 5, 20), None),
        ("sif_publish_report", None, date(2022, 4, 1)),
        ("send_written_statement", None, date(2022, 4, 1)),
    ],
)
def test_compute_due_on_waits_for_the_anchor_date(
    code: str, received_on: date | None, published_on: date | None
) -> None:
    due_on = compute_due_on(_rule(code), received_on=received_on, published_on=published_on, holidays=BANK_HOLIDAYS)
    assert due_on is None


@pytest.mark.parametrize(
    ("framework", "codes"),
    [
        ("JAR", ["jar_publish_report", "jar_action_plan"]),
        ("SIF", ["sif_publish_report", "sif_written_statement"]),
        ("ILACS", ["sif_publish_report", "sif_written_statement"]),
        ("ilacs", ["sif_publish_report", "sif_written_statement"]),
        ("LAC", ["sif_publish_report", "sif_written_statement"]),
        ("SEND", ["send_written_statement"]),
        # "Area SEND" is the 2023 framework, with its priority action plan (issue 13).
        ("Area SEND", ["area_send_priority_action_plan"]),
        ("AREA_SEND", ["area_send_priority_action_plan"]),
        ("FOCUSED_VISIT", ["focused_visit_draft_plan", "focused_visit_action_plan"]),
        ("APA", []),
        ("other", []),
    ],
)
def test_rules_for_framework(framework: str, codes: list[str]) -> None:
    assert [rule.code for rule in rules_for_framework(framework)] == codes


@pytest.mark.parametrize("framework", ["FOCUSED_VISIT", "AREA_SEND"])
def test_a_report_without_areas_for_priority_action_sets_no_priority_action_plan(framework: str) -> None:
    assert rules_for_framework(framework, priority_actions=False) == []


def test_focused_visit_plan_is_due_70_working_days_after_the_letter_is_received() -> None:
    rule = _rule("focused_visit_action_plan")
    # Received Monday 5 November 2018: 70 working days from the next working day, past Christmas, Boxing
    # Day and New Year’s Day.
    due_on = compute_due_on(rule, received_on=date(2018, 11, 5), published_on=None, holidays=BANK_HOLIDAYS)
    assert due_on == date(2019, 2, 14)


def test_rules_are_complete_data() -> None:
    codes = [rule.code for rule in STATUTORY_RULES]
    assert len(codes) == len(set(codes))
    for rule in STATUTORY_RULES:
        assert rule.title
        # Each rule cites the regulations or the inspectorate's published guidance it comes from.
        assert "SI 20" in rule.source or "Ofsted" in rule.source
        assert rule.kind != "publish_report" or rule.checklist == PUBLICATION_CHECKLIST


def test_the_publication_checklist_names_the_recipients() -> None:
    text = " ".join(PUBLICATION_CHECKLIST)
    for recipient in ("relevant partner", "local newspaper", "local radio station", "public inspection"):
        assert recipient in text


def test_rule_by_code_unknown() -> None:
    assert rule_by_code("apa_letter") is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"anchor": "inspected_on"}, "Unknown anchor"),
        ({"counting": "from"}, "Unknown counting"),
        ({"working_days": 0}, "at least 1 working day"),
    ],
)
def test_a_rule_must_be_countable(changes: dict[str, object], message: str) -> None:
    fields = {
        "code": "local_rule",
        "framework": "JAR",
        "kind": "action_plan",
        "title": "Publish the action plan",
        "working_days": 70,
        "anchor": "published_on",
        "counting": "after",
        "source": "Local agreement",
    }
    with pytest.raises(ValueError, match=message):
        DeadlineRule(**(fields | changes))  # type: ignore[arg-type]
