"""Building digests, alerts and summaries from plain facts (DESIGN §6)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.domain.digest import (
    ActionFacts,
    DigestSettings,
    NoticeFacts,
    Person,
    build_digests,
    is_digest_day,
    needs_update_since,
    statutory_alert_threshold,
    update_request_due,
)
from tracker.domain.programme_summary import ChangeFacts, DeadlineFacts, summarise_inspection
from tracker.domain.working_days import BANK_HOLIDAYS

TODAY = date(2026, 11, 24)  # a Tuesday; no bank holidays nearby
SETTINGS = DigestSettings()


def person(user_id: int, **overrides: object) -> Person:
    values: dict[str, object] = {
        "user_id": user_id,
        "name": f"Person {user_id}",
        "email": f"p{user_id}@example.gov.uk",
        "active": True,
        "digest_preference": "daily",
        "line_manager_id": None,
    }
    values.update(overrides)
    return Person(**values)  # type: ignore[arg-type]


def action(action_id: int, owner_id: int | None, due_on: date | None, **overrides: object) -> ActionFacts:
    values: dict[str, object] = {
        "action_id": action_id,
        "reference": f"1.{action_id}",
        "title": f"Action {action_id}",
        "inspection_id": 1,
        "inspection_title": "JAR 2008",
        "owner_id": owner_id,
        "due_on": due_on,
        "last_progress_on": date(2026, 11, 20),
    }
    values.update(overrides)
    return ActionFacts(**values)  # type: ignore[arg-type]


def digests(people: list[Person], actions: list[ActionFacts], today: date = TODAY, first_run: bool = False):
    return build_digests(
        people, actions, today=today, holidays=BANK_HOLIDAYS, settings=SETTINGS, first_run_of_week=first_run
    )


def test_overdue_most_overdue_first_then_due_soon_soonest_first() -> None:
    actions = [
        action(1, 7, date(2026, 11, 20)),  # Friday: 2 working days overdue
        action(2, 7, date(2026, 11, 2)),  # 16 working days overdue
        action(3, 7, date(2026, 12, 8)),  # 10 working days ahead: due soon
        action(4, 7, date(2026, 12, 9)),  # 11 ahead: not yet
        action(5, 7, TODAY),  # due today: due soon, not overdue
    ]
    [digest] = digests([person(7)], actions)
    assert [(i.action.action_id, i.working_days_overdue) for i in digest.overdue] == [(2, 16), (1, 2)]
    assert [(i.action.action_id, i.working_days_to_due) for i in digest.due_soon] == [(5, 0), (3, 10)]
    assert digest.needs_update == ()
    assert digest.subject == "Your actions: 2 overdue actions, 2 actions due soon"


def test_nothing_to_say_means_no_digest() -> None:
    assert digests([person(7)], [action(1, 7, date(2027, 6, 1)), action(2, 7, None)]) == []


def test_inactive_people_and_those_who_turned_digests_off_get_none() -> None:
    actions = [action(1, 7, date(2026, 11, 2)), action(2, 8, date(2026, 11, 2)), action(3, 9, date(2026, 11, 2))]
    people = [person(7, active=False), person(8, digest_preference="off"), person(9)]
    assert [d.person.user_id for d in digests(people, actions)] == [9]


def test_weekly_people_only_on_the_weeks_first_run() -> None:
    people = [person(7, digest_preference="weekly")]
    actions = [action(1, 7, date(2026, 11, 2))]
    assert digests(people, actions, first_run=False) == []
    assert len(digests(people, actions, first_run=True)) == 1


def test_no_digests_on_weekends_or_bank_holidays() -> None:
    actions = [action(1, 7, date(2026, 11, 2))]
    assert digests([person(7)], actions, today=date(2026, 11, 28)) == []  # Saturday
    assert digests([person(7)], actions, today=date(2026, 12, 25), first_run=True) == []  # Christmas Day


@pytest.mark.parametrize(
    ("preference", "day", "first_run", "expected"),
    [
        ("daily", date(2026, 11, 24), False, True),
        ("daily", date(2026, 11, 29), True, False),  # Sunday
        ("weekly", date(2026, 11, 23), True, True),
        ("weekly", date(2026, 11, 24), False, False),
        ("weekly", date(2026, 5, 26), True, True),  # Tuesday after the Spring bank holiday
        ("off", date(2026, 11, 23), True, False),
    ],
)
def test_digest_days(preference: str, day: date, first_run: bool, expected: bool) -> None:
    assert is_digest_day(preference, day, BANK_HOLIDAYS, first_run_of_week=first_run) is expected


def test_unknown_preference_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown digest preference"):
        is_digest_day("hourly", TODAY, BANK_HOLIDAYS, first_run_of_week=True)


def test_escalation_goes_to_the_line_manager_only_beyond_the_threshold() -> None:
    people = [person(7, line_manager_id=3), person(3)]
    actions = [
        action(1, 7, date(2026, 11, 9)),  # 11 working days overdue: escalated
        action(2, 7, date(2026, 11, 10)),  # exactly 10: not escalated
    ]
    result = {d.person.user_id: d for d in digests(people, actions)}
    assert [i.action.action_id for i in result[3].escalated] == [1]
    assert result[3].overdue == ()
    assert result[3].subject == "Your actions: 1 overdue action in your team"
    assert [i.action.action_id for i in result[7].overdue] == [1, 2]
    assert result[7].escalated == ()


def test_escalation_reaches_the_manager_even_when_the_owner_is_inactive() -> None:
    people = [person(7, line_manager_id=3, active=False), person(3)]
    result = digests(people, [action(1, 7, date(2026, 10, 1))])
    assert [d.person.user_id for d in result] == [3]


def test_stale_actions_need_an_update_and_are_listed_once() -> None:
    actions = [
        action(1, 7, date(2027, 3, 1), last_progress_on=date(2026, 10, 13)),  # exactly 6 weeks: stale
        action(2, 7, date(2027, 3, 1), last_progress_on=date(2026, 10, 14)),  # 6 weeks less a day
        action(3, 7, date(2026, 11, 2), last_progress_on=None),  # overdue and never updated
    ]
    [digest] = digests([person(7)], actions)
    assert [i.action.action_id for i in digest.needs_update] == [1]
    assert [i.action.action_id for i in digest.overdue] == [3]
    assert digest.overdue[0].needs_update is True
    assert "1 action needs an update" in digest.subject


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 24), None),  # 11 working days before 9 December
        (date(2026, 11, 25), 10),
        (date(2026, 11, 26), 10),  # 9 left: the 10-day alert if it was missed
        (date(2026, 12, 2), 5),
        (date(2026, 12, 8), 1),
        (date(2026, 12, 9), None),  # due today
        (date(2026, 12, 10), None),  # passed
    ],
)
def test_statutory_alert_thresholds(today: date, expected: int | None) -> None:
    assert statutory_alert_threshold(today, date(2026, 12, 9), BANK_HOLIDAYS) == expected


def test_update_requests_start_five_working_days_before_the_meeting() -> None:
    meeting = date(2026, 12, 3)  # Thursday
    assert not update_request_due(date(2026, 11, 25), meeting, BANK_HOLIDAYS, 5)  # 6 working days before
    assert update_request_due(date(2026, 11, 26), meeting, BANK_HOLIDAYS, 5)
    assert update_request_due(date(2026, 12, 2), meeting, BANK_HOLIDAYS, 5)
    assert not update_request_due(meeting, meeting, BANK_HOLIDAYS, 5)


def test_needs_update_since_the_previous_meeting() -> None:
    since = date(2026, 10, 1)
    assert needs_update_since(action(1, 7, None, last_progress_on=date(2026, 9, 30)), since)
    assert not needs_update_since(action(1, 7, None, last_progress_on=since), since)
    assert needs_update_since(action(1, 7, None, last_progress_on=None), None)
    assert not needs_update_since(action(1, 7, None, last_progress_on=date(2020, 1, 1)), None)


def test_inspection_summary_counts_changes_overdue_and_deadlines() -> None:
    actions = [
        action(1, 7, date(2026, 11, 2), rag="red", timescale="For immediate action"),
        action(2, 7, date(2027, 1, 4), rag="green", timescale="For immediate action"),
        action(3, 8, date(2026, 11, 20), rag=None, timescale="Within six months", status="not_started"),
        action(4, 8, date(2026, 10, 1), rag="blue", timescale="Within six months", status="complete"),
    ]
    changes = [
        ChangeFacts(datetime(2026, 11, 20, 9, tzinfo=UTC), 1, "Due date changed"),
        ChangeFacts(datetime(2026, 11, 23, 9, tzinfo=UTC), 1, "Progress update"),
    ]
    deadlines = [
        DeadlineFacts(1, 1, "Publish the action plan", date(2026, 12, 22)),  # 20 working days ahead
        DeadlineFacts(2, 1, "Later", date(2026, 12, 23)),  # 21: beyond the horizon
        DeadlineFacts(3, 1, "Met already", date(2026, 12, 1), met_on=date(2026, 11, 1)),
        DeadlineFacts(4, 1, "Passed and not met", date(2026, 11, 10)),
    ]
    summary = summarise_inspection(
        inspection_id=1,
        title="JAR",
        actions=actions,
        changes=changes,
        deadlines=deadlines,
        timescales=["For immediate action", "Within three months", "Within six months"],
        today=TODAY,
        holidays=BANK_HOLIDAYS,
    )
    assert summary.rag_by_timescale == (
        ("For immediate action", {"red": 1, "amber": 0, "green": 1, "blue": 0, "none": 0}),
        ("Within six months", {"red": 0, "amber": 0, "green": 0, "blue": 1, "none": 1}),
    )
    assert summary.action_count == 4
    assert [c.what for c in summary.changes] == ["Progress update", "Due date changed"]
    assert [(i.action.action_id, i.working_days_overdue) for i in summary.overdue] == [(1, 16), (3, 2)]
    assert [(d.deadline.deadline_id, d.working_days_left) for d in summary.deadlines] == [(4, -10), (1, 20)]


def test_a_preview_says_what_anyone_would_get_whatever_the_day() -> None:
    people = [person(7, digest_preference="off"), person(8, active=False)]
    actions = [action(1, 7, date(2026, 11, 2)), action(2, 8, date(2026, 11, 2))]
    sunday = date(2026, 11, 29)
    assert digests(people, actions, today=sunday) == []
    previews = build_digests(
        people,
        actions,
        today=sunday,
        holidays=BANK_HOLIDAYS,
        settings=SETTINGS,
        first_run_of_week=False,
        only_due=False,
    )
    assert [d.person.user_id for d in previews] == [7, 8]


def test_ties_are_listed_in_reference_reading_order() -> None:
    due = date(2026, 11, 17)
    actions = [action(n, 7, due, reference=reference) for n, reference in enumerate(["12.1", "3.1", "3.10", "3.2"])]
    [digest] = digests([person(7)], actions)
    assert [i.action.reference for i in digest.overdue] == ["3.1", "3.2", "3.10", "12.1"]


@pytest.mark.parametrize(
    ("last_progress_on", "progress_recorded", "expected"),
    [
        (date(2026, 11, 2), True, "No progress recorded since 2 November 2026"),
        (date(2026, 7, 29), False, "No progress recorded yet (added 29 July 2026)"),
        (None, False, "No progress recorded yet"),
    ],
)
def test_no_progress_text(last_progress_on: date | None, progress_recorded: bool, expected: str) -> None:
    facts = ActionFacts(1, "1.1", "Audit", 1, "Review", 1, None, last_progress_on=last_progress_on,
                        progress_recorded=progress_recorded)  # fmt: skip
    assert facts.no_progress_text == expected


def test_notices_alone_make_a_digest_with_their_own_sections_and_subject() -> None:
    notices = [
        NoticeFacts(3, 7, "due_date_decided", "Jo Clarke approved: 2.3 is now due 26 February 2027", 23),
        NoticeFacts(1, 7, "assigned", "4.1 Quarterly performance clinics", 41),
        NoticeFacts(2, 7, "assigned", "4.2 Partnership scorecard", 42),
        NoticeFacts(4, 9, "assigned", "Someone else's", 43),
        NoticeFacts(5, 8, "due_date_requested", "Sam Patel asks for 2.3 to be due 26 February 2027", 23),
    ]
    people = [person(7), person(8), person(9, digest_preference="weekly")]
    built = build_digests(
        people, [], today=TODAY, holidays=BANK_HOLIDAYS, settings=SETTINGS, first_run_of_week=False, notices=notices
    )
    by_person = {digest.person.user_id: digest for digest in built}
    assert set(by_person) == {7, 8}  # 9 gets theirs in the week's first digest
    seven = by_person[7]
    assert [(heading, [n.notice_id for n in items]) for heading, items in seven.notice_sections] == [
        ("Newly assigned to you", [1, 2]),
        ("Decisions on your revised due dates", [3]),
    ]
    assert seven.subject == "Your actions: 2 actions newly assigned to you, 1 decision on your revised due dates"
    assert by_person[8].subject == "Your actions: 1 revised due date to decide"
