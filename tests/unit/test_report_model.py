"""The report model from plain history: what an action was on the as-at date, and the figures built from it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.domain.report import (
    ActionRecord,
    DeadlineRecord,
    FieldChange,
    Figures,
    ImplicationAnswer,
    Narrative,
    PlanHistory,
    RagChangeRow,
    RecommendationRecord,
    ReportInputs,
    ReportModel,
    TrendPoint,
    UpdateRecord,
    build_report,
    change_sentence,
    day_end_utc,
    due_on_as_at,
    paragraphs,
    status_and_rag_as_at,
)
from tracker.domain.working_days import BANK_HOLIDAYS

AS_AT = date(2026, 11, 24)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def update(day: date, status: str, rag: str, narrative: str = "", hour: int = 10, **extra) -> UpdateRecord:  # noqa: ANN003
    return UpdateRecord(created_at=at(day, hour), status=status, rag=rag, narrative=narrative, **extra)


def action(action_id: int = 1, **fields) -> ActionRecord:  # noqa: ANN003
    values = {
        "id": action_id,
        "recommendation_id": 1,
        "reference": f"1.{action_id}",
        "title": f"Action {action_id}",
        "created_at": at(date(2026, 1, 5)),
        "due_on": date(2026, 12, 18),
        "original_due_on": date(2026, 12, 18),
        "status": "in_progress",
        "rag": "green",
        "owner_name": "Sam Patel",
    }
    values.update(fields)
    return ActionRecord(**values)


RECOMMENDATIONS = (
    RecommendationRecord(
        1, "1", "immediate", "For immediate action", "ensure that the findings are shared", position=0
    ),
    RecommendationRecord(2, "2", "six_months", "Within six months", "develop a coordinated strategy", position=1),
)


def history(*actions: ActionRecord, deadlines: tuple[DeadlineRecord, ...] = ()) -> PlanHistory:
    return PlanHistory(
        "Leicester City Council", "Joint Area Review", date(2008, 6, 3), RECOMMENDATIONS, actions, deadlines
    )


def inputs(as_at: date = AS_AT, **extra) -> ReportInputs:  # noqa: ANN003
    return ReportInputs(as_at=as_at, timezone="Europe/London", holidays=BANK_HOLIDAYS, **extra)


NARRATIVE = Narrative(committee="Cabinet", meets_on=date(2026, 12, 7), summary="First.\n\nSecond.", body="Body.")


def test_the_as_at_day_ends_at_midnight_london_time() -> None:
    assert day_end_utc(date(2026, 11, 24), "Europe/London") == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    # In summer London is an hour ahead: the day ends at 23:00 UTC.
    assert day_end_utc(date(2026, 7, 1), "Europe/London") == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)


def test_status_and_rag_come_from_the_latest_update_on_or_before_the_as_at_day() -> None:
    record = action(
        updates=(
            update(date(2026, 10, 1), "in_progress", "green", "On track"),
            update(date(2026, 11, 24), "in_progress", "amber", "At risk", hour=23),  # 23:00 UTC = 23:00 GMT
            update(date(2026, 11, 25), "complete", "blue", "Done"),
        )
    )
    cutoff = day_end_utc(AS_AT, "Europe/London")
    assert status_and_rag_as_at(record, cutoff) == ("in_progress", "amber")
    assert status_and_rag_as_at(record, day_end_utc(date(2026, 11, 25), "Europe/London")) == ("complete", "blue")


def test_an_update_late_on_a_summer_evening_belongs_to_the_next_london_day() -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London.
    late = action(updates=(UpdateRecord(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), "in_progress", "red"),))
    assert status_and_rag_as_at(late, day_end_utc(date(2026, 7, 1), "Europe/London")) == ("not_started", "none")
    assert status_and_rag_as_at(late, day_end_utc(date(2026, 7, 2), "Europe/London")) == ("in_progress", "red")


def test_without_an_update_yet_an_action_with_later_updates_was_not_started() -> None:
    record = action(updates=(update(date(2026, 12, 1), "in_progress", "green"),))
    assert status_and_rag_as_at(record, day_end_utc(AS_AT, "Europe/London")) == ("not_started", "none")


def test_the_due_date_in_force_is_read_from_the_change_history() -> None:
    record = action(
        due_on=date(2027, 3, 31),
        original_due_on=date(2026, 11, 30),
        due_on_changes=(
            FieldChange(at(date(2026, 11, 10)), "2026-11-30", "2027-01-29", "Funding delayed"),
            FieldChange(at(date(2026, 12, 2)), "2027-01-29", "2027-03-31", "Second delay"),
        ),
    )
    assert due_on_as_at(record, day_end_utc(date(2026, 11, 1), "Europe/London")) == date(2026, 11, 30)
    assert due_on_as_at(record, day_end_utc(AS_AT, "Europe/London")) == date(2027, 1, 29)
    assert due_on_as_at(record, day_end_utc(date(2026, 12, 5), "Europe/London")) == date(2027, 3, 31)


def test_actions_created_after_or_archived_by_the_as_at_date_are_left_out() -> None:
    model = build_report(
        history(
            action(1),
            action(2, created_at=at(date(2026, 11, 25), 9)),
            action(3, archived_at=at(date(2026, 11, 20))),
            action(4, archived_at=at(date(2026, 11, 30))),
        ),
        NARRATIVE,
        inputs(),
    )
    assert [a.reference for a in model.all_actions()] == ["1.1", "1.4"]
    assert model.figures.total == 2


def test_figures_count_by_rag_and_timescale_and_overdue_as_at_the_date() -> None:
    model = build_report(
        history(
            action(1, due_on=date(2026, 11, 20), updates=(update(date(2026, 11, 2), "in_progress", "red", "Late"),)),
            action(2, updates=(update(date(2026, 11, 2), "in_progress", "green"),)),
            action(3, recommendation_id=2, updates=(update(date(2026, 10, 2), "complete", "blue"),)),
            action(4, recommendation_id=2, due_on=date(2026, 11, 1), status="not_started", rag=None),
        ),
        NARRATIVE,
        inputs(),
    )
    figures = model.figures
    assert figures.total == 4
    assert figures.by_rag == {"red": 1, "amber": 0, "green": 1, "blue": 1, "none": 1}
    assert [(row.label, row.total, row.overdue) for row in figures.by_timescale] == [
        ("For immediate action", 2, 1),
        ("Within six months", 2, 1),
    ]
    assert figures.overdue == 2
    assert figures.completed == 1
    assert figures.completed_since_previous is None
    assert [row.reference for row in model.red_or_overdue] == ["1.4", "1.1"]  # most overdue first
    assert model.red_or_overdue[0].working_days_overdue == 17


def test_change_since_the_previous_report_and_completed_since_then() -> None:
    model = build_report(
        history(
            action(
                1,
                updates=(
                    update(date(2026, 9, 1), "in_progress", "red"),
                    update(date(2026, 11, 1), "complete", "blue"),
                ),
            ),
            action(
                2,
                updates=(
                    update(date(2026, 9, 1), "in_progress", "green"),
                    update(date(2026, 11, 1), "in_progress", "amber"),
                ),
            ),
            action(3, updates=(update(date(2026, 8, 1), "complete", "blue"),)),
        ),
        NARRATIVE,
        inputs(previous_as_at=date(2026, 9, 30), earlier_trend=(TrendPoint(date(2026, 9, 30), {"red": 1}),)),
    )
    figures = model.figures
    assert figures.completed_since_previous == 1
    assert figures.completed == 2
    assert {row.rag: (row.previous, row.current) for row in figures.rag_change} == {
        "red": (1, 0),
        "amber": (0, 1),
        "green": (1, 0),
        "blue": (1, 2),
        "none": (0, 0),
    }
    assert (figures.improved, figures.worsened) == (1, 1)
    assert [p.as_at for p in model.trend] == [date(2026, 9, 30), AS_AT]
    assert "completed since the previous report (as at 30 September 2026)" in model.figures_paragraph.text


def test_revised_due_dates_carry_the_approved_requests_reason_or_the_audit_note() -> None:
    approved = update(
        date(2026, 10, 1),
        "in_progress",
        "amber",
        requested_due_on=date(2027, 1, 29),
        request_reason="The provider went into administration",
        request_state="approved",
    )
    model = build_report(
        history(
            action(
                1,
                due_on=date(2027, 1, 29),
                original_due_on=date(2026, 11, 30),
                updates=(approved,),
                due_on_changes=(FieldChange(at(date(2026, 10, 3)), "2026-11-30", "2027-01-29", ""),),
            ),
            action(
                2,
                due_on=date(2027, 2, 26),
                original_due_on=date(2026, 12, 18),
                due_on_changes=(
                    FieldChange(at(date(2026, 10, 5)), "2026-12-18", "2027-02-26", "Agreed at steering group"),
                ),
            ),
            action(
                3,
                due_on=date(2027, 6, 30),
                due_on_changes=(
                    FieldChange(at(date(2026, 12, 1)), "2026-12-18", "2027-06-30", "After the as-at date"),
                ),
            ),
        ),
        NARRATIVE,
        inputs(),
    )
    rows = {row.reference: row for row in model.revised_due_dates}
    assert set(rows) == {"1.1", "1.2"}
    assert rows["1.1"].reason == "The provider went into administration"
    assert (rows["1.1"].original_due_on, rows["1.1"].due_on) == (date(2026, 11, 30), date(2027, 1, 29))
    assert rows["1.2"].reason == "Agreed at steering group"
    appendix = {a.reference: a for a in model.all_actions()}
    assert appendix["1.1"].original_due_on == date(2026, 11, 30)
    assert appendix["1.3"].due_on == date(2026, 12, 18)  # the change came later
    assert appendix["1.3"].original_due_on is None


def test_title_and_success_criteria_read_as_they_stood_on_the_as_at_date() -> None:
    renamed = action(
        1,
        title="Renamed after the report",
        success_criteria="New criteria",
        due_on=date(2026, 11, 2),
        original_due_on=date(2026, 10, 1),
        title_changes=(
            FieldChange(at(date(2026, 3, 1)), "First draft title", "Title on the as-at date"),
            FieldChange(at(date(2026, 11, 25)), "Title on the as-at date", "Renamed after the report"),
        ),
        success_criteria_changes=(FieldChange(at(date(2026, 12, 1)), "Criteria then", "New criteria"),),
        due_on_changes=(FieldChange(at(date(2026, 6, 1)), "2026-10-01", "2026-11-02", "Staff shortage"),),
    )
    model = build_report(history(renamed), NARRATIVE, inputs())
    (row,) = model.all_actions()
    assert (row.title, row.success_criteria) == ("Title on the as-at date", "Criteria then")
    assert [r.title for r in model.red_or_overdue] == ["Title on the as-at date"]
    assert [r.title for r in model.revised_due_dates] == ["Title on the as-at date"]
    later = build_report(history(renamed), NARRATIVE, inputs(date(2026, 12, 2)))
    (row,) = later.all_actions()
    assert (row.title, row.success_criteria) == ("Renamed after the report", "New criteria")


def test_statutory_deadlines_are_met_missed_or_pending_as_at_the_date() -> None:
    deadlines = (
        DeadlineRecord("Publish the report locally", date(2008, 7, 14), date(2008, 7, 10)),
        DeadlineRecord("Publish the action plan", date(2008, 9, 9), date(2008, 9, 12)),
        DeadlineRecord("Six-month review", date(2008, 12, 3), None),
        DeadlineRecord("Annual review", date(2009, 6, 3), None),
    )
    model = build_report(history(deadlines=deadlines), NARRATIVE, inputs(date(2008, 12, 10)))
    assert [d.state for d in model.deadlines] == ["met", "met_late", "missed", "due"]
    assert (model.figures.deadlines_met, model.figures.deadlines_missed, model.figures.deadlines_pending) == (1, 2, 1)
    assert [d.title for d in model.missed_deadlines] == ["Publish the action plan", "Six-month review"]
    earlier = build_report(history(deadlines=deadlines), NARRATIVE, inputs(date(2008, 9, 10)))
    # On 10 September the plan was not yet published: missed then, even though it was met later.
    assert [d.state for d in earlier.deadlines] == ["met", "missed", "due", "due"]


def test_the_appendix_groups_by_timescale_then_recommendation_in_order() -> None:
    model = build_report(
        history(
            action(3, recommendation_id=2, reference="2.1", position=0),
            action(2, reference="1.10", position=1),
            action(1, reference="1.2", position=0),
        ),
        NARRATIVE,
        inputs(),
    )
    assert [g.label for g in model.appendix] == ["For immediate action", "Within six months"]
    assert [a.reference for a in model.appendix[0].recommendations[0].actions] == ["1.2", "1.10"]
    assert model.appendix[0].recommendations[0].text == "ensure that the findings are shared"


def test_paragraphs_are_numbered_and_bullets_kept() -> None:
    result = paragraphs("To report progress.\n\nThe plan:\n- is on track\n- is funded\n\n\nLast.", "1")
    assert [(p.number, p.text, p.bullets) for p in result] == [
        ("1.1", "To report progress.", []),
        ("1.2", "The plan:", ["is on track", "is funded"]),
        ("1.3", "Last.", []),
    ]


def test_a_line_marked_as_a_heading_is_a_subheading_not_a_numbered_paragraph() -> None:
    """The Leicester 2008 paper: "Background" heads 4.1, "Leicester's JAR" heads 4.2; numbering runs on."""
    text = (
        "## Background\n\nThe Children Act 2004 requires a JAR.\n\n"
        "## Leicester's JAR\nThe JAR took place in January 2008.\n\nIt comprised 5 investigations:\n- Safeguarding"
    )
    result = paragraphs(text, "4")
    assert [(p.heading, p.number, p.text, p.bullets) for p in result] == [
        (True, "", "Background", []),
        (False, "4.1", "The Children Act 2004 requires a JAR.", []),
        (True, "", "Leicester's JAR", []),
        (False, "4.2", "The JAR took place in January 2008.", []),
        (False, "4.3", "It comprised 5 investigations:", ["Safeguarding"]),
    ]
    narrative = Narrative(committee="Cabinet", meets_on=date(2026, 12, 7), summary="## Overview\n\nFirst.", body=text)
    model = build_report(history(action(1)), narrative, inputs())
    assert model.figures_paragraph.number == "2.2"
    assert model.exceptions_paragraph.number == "4.4"


def test_section_numbers_follow_the_officers_paragraphs() -> None:
    model = build_report(history(action(1)), NARRATIVE, inputs())
    assert [p.number for p in model.summary] == ["2.1", "2.2"]
    assert model.figures_paragraph.number == "2.3"
    assert model.exceptions_paragraph.number == "4.2"
    assert model.change_paragraph.number == "4.4"


def test_other_implications_keep_every_topic_in_the_councils_order() -> None:
    narrative = Narrative(
        committee="Cabinet",
        meets_on=date(2026, 12, 7),
        other_implications=(ImplicationAnswer("policy", True, "See 4.1"), ImplicationAnswer("human_rights", False)),
    )
    model = build_report(history(), narrative, inputs())
    assert [(r.topic, r.answer, r.reference) for r in model.other_implications] == [
        ("Equal Opportunities", "", ""),
        ("Policy", "Yes", "See 4.1"),
        ("Sustainable and Environmental", "", ""),
        ("Crime and Disorder", "", ""),
        ("Human Rights Act", "No", ""),
        ("Elderly/People on Low Income", "", ""),
    ]


def test_the_model_survives_a_round_trip_through_json() -> None:
    import json

    model = build_report(
        history(action(1, updates=(update(date(2026, 11, 2), "in_progress", "red", "Late"),))),
        NARRATIVE,
        inputs(previous_as_at=date(2026, 9, 30)),
    )
    restored = ReportModel.from_json(json.loads(json.dumps(model.to_json())))
    assert restored == model


@pytest.mark.parametrize("status", ["complete", "no_longer_required"])
def test_closed_actions_are_never_overdue(status: str) -> None:
    model = build_report(
        history(action(1, due_on=date(2026, 1, 5), updates=(update(date(2026, 1, 2), status, "blue"),))),
        NARRATIVE,
        inputs(),
    )
    assert model.figures.overdue == 0
    assert model.red_or_overdue == []


def test_due_date_edits_while_the_plan_is_drafted_are_not_revisions() -> None:
    drafted = action(
        1,
        due_on=date(2027, 3, 31),
        original_due_on=date(2027, 1, 29),
        due_on_changes=(
            FieldChange(at(date(2026, 2, 1)), "2026-12-18", "2027-01-29"),
            FieldChange(at(date(2026, 11, 2)), "2027-01-29", "2027-03-31", "Agreed at steering group"),
        ),
        original_due_on_changes=(FieldChange(at(date(2026, 2, 1)), "2026-12-18", "2027-01-29"),),
    )
    model = build_report(history(drafted), NARRATIVE, inputs())
    (row,) = model.revised_due_dates
    assert (row.original_due_on, row.due_on, row.reason) == (
        date(2027, 1, 29),
        date(2027, 3, 31),
        "Agreed at steering group",
    )
    before_revision = build_report(history(drafted), NARRATIVE, inputs(date(2026, 6, 1)))
    assert before_revision.revised_due_dates == []
    assert before_revision.all_actions()[0].due_on == date(2027, 1, 29)


def _movement(improved: int, worsened: int) -> Figures:
    return Figures(0, {}, [], 0, 0, 0, 0, 0, 0, [], improved, worsened)


@pytest.mark.parametrize(
    ("improved", "worsened", "words"),
    [
        (1, 1, "1 action improved its rating and 1 action worsened."),
        (10, 13, "10 actions improved their rating and 13 actions worsened."),
        (0, 2, "0 actions improved their rating and 2 actions worsened."),
    ],
)
def test_the_change_sentence_agrees_with_its_count(improved: int, worsened: int, words: str) -> None:
    assert change_sentence(_movement(improved, worsened), date(2026, 9, 30)).endswith(words)


def test_the_change_in_each_rating_uses_a_real_minus_sign() -> None:
    assert [RagChangeRow("red", p, c).change_text for p, c in ((0, 7), (10, 9), (3, 3))] == [
        "+7",
        "\N{MINUS SIGN}1",
        "No change",
    ]


def test_a_deadline_without_a_date_says_what_is_missing_and_is_counted_apart() -> None:
    deadlines = (
        DeadlineRecord("Publish the action plan", date(2008, 9, 9), date(2008, 9, 9)),
        DeadlineRecord(
            "Publish the report locally", None, None, anchor_name="the date the council received the report"
        ),
    )
    model = build_report(history(deadlines=deadlines), NARRATIVE, inputs(date(2008, 12, 10)))
    no_date = model.deadlines[1]
    assert no_date.state == "no_date"
    assert no_date.state_label == "No date set: the date the council received the report not recorded"
    assert no_date.met_label == ""
    assert (model.figures.deadlines_pending, model.figures.deadlines_no_date) == (0, 1)
    assert model.deadlines_paragraph.text == (
        "Of 2 statutory deadlines, 1 was met on time, 0 missed or met late, 0 not yet due and "
        "1 with no date set because the date it is counted from is not recorded."
    )
    assert no_date not in model.missed_deadlines


def test_a_report_issued_before_a_field_was_added_reads_back_with_its_default() -> None:
    import json

    model = build_report(history(), NARRATIVE, inputs())
    data = json.loads(json.dumps(model.to_json()))
    del data["figures"]["deadlines_no_date"]
    assert ReportModel.from_json(data).figures.deadlines_no_date == 0


def test_an_update_without_a_narrative_is_progress_not_nothing() -> None:
    rated = action(1, updates=(update(date(2026, 11, 2), "in_progress", "green"),))
    untouched = action(2, reference="1.2", created_at=at(date(2026, 1, 5)))
    model = build_report(history(rated, untouched), NARRATIVE, inputs())
    rows = {row.reference: row.progress_text for row in model.all_actions()}
    assert rows == {"1.1": "Updated 2 November 2026 (no narrative)", "1.2": "No progress recorded yet"}
    earlier = build_report(history(rated, untouched), NARRATIVE, inputs(date(2026, 10, 30)))
    assert {row.reference: row.progress_text for row in earlier.all_actions()}["1.1"] == "No progress recorded yet"


def test_an_update_is_dated_by_the_london_day_it_was_made() -> None:
    # 23:30 UTC on 14 July is 00:30 on 15 July in London (summer time).
    made = UpdateRecord(created_at=at(date(2026, 7, 14), 23, 30), status="in_progress", rag="green", narrative="")
    late = action(1, updates=(made,))
    model = build_report(history(late), NARRATIVE, inputs())
    rows = {row.reference: row.progress_text for row in model.all_actions()}
    assert rows["1.1"] == "Updated 15 July 2026 (no narrative)"
