"""Reading and checking the rows of an uploaded action plan."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.domain.plan_rows import (
    HEADERS,
    DateProblem,
    PlanContext,
    cell_text,
    check_rows,
    header_map,
    missing_headers,
    parse_date,
    protect_from_formulas,
)

CONTEXT = PlanContext(
    recommendations=frozenset({"1", "2", "3"}),
    owner_emails=frozenset({"sam.patel@example.gov.uk"}),
    published_on=date(2008, 6, 3),
    existing_references=frozenset({("3", "3.1")}),
)


def row(**cells: object) -> dict[str, object]:
    return {"recommendation": "2", "title": "Audit case files", **cells}


def check(*rows: dict[str, object]) -> list:
    return check_rows(list(enumerate(rows, start=2)), CONTEXT)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (date(2008, 9, 9), date(2008, 9, 9)),
        (datetime(2008, 9, 9, 0, 0), date(2008, 9, 9)),
        ("2008-09-09", date(2008, 9, 9)),
        ("2008-09-09T00:00:00", date(2008, 9, 9)),
        ("9/9/2008", date(2008, 9, 9)),
        ("09/09/2008", date(2008, 9, 9)),
        ("9.9.08", date(2008, 9, 9)),
        ("9 September 2008", date(2008, 9, 9)),
        ("9th Sept 2008", date(2008, 9, 9)),
        ("29/02/2008", date(2008, 2, 29)),
    ],
)
def test_dates_people_write(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "recognised"),
    [("31/02/2009", True), ("29/02/2009", True), ("2009-13-01", True), ("soon", False), ("Q3 2009", False)],
)
def test_dates_that_are_not_real(value: str, recognised: bool) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_date(value)
    assert problem.value.recognised is recognised


def test_a_good_row() -> None:
    (checked,) = check(
        row(
            reference="2.1",
            owner_email=" Sam.Patel@example.gov.uk ",
            due_on="9/9/2008",
            start_on=datetime(2008, 7, 1),
            status="In progress",
            rag="Amber – at risk",
            latest_progress="Started",
        )
    )
    assert checked.is_valid, checked.errors
    assert (checked.owner_email, checked.due_on, checked.start_on) == (
        "sam.patel@example.gov.uk",
        date(2008, 9, 9),
        date(2008, 7, 1),
    )
    assert (checked.status, checked.rag, checked.latest_progress) == ("in_progress", "amber", "Started")


def test_every_problem_in_a_row_is_reported() -> None:
    (checked,) = check(
        {
            "recommendation": "9",
            "title": "",
            "owner_email": "nobody@example.gov.uk",
            "due_on": "31/02/2009",
            "start_on": "next week",
            "status": "Finished",
            "rag": "Purple",
        }
    )
    assert checked.errors == [
        "Start date “next week” is not a date: use the form 9/9/2008",
        "Due date “31/02/2009” must be a real date",
        "Status “Finished” is not one of: Not started, In progress, Complete, No longer required",
        "RAG “Purple” is not one of: Red, Amber, Green, Blue",
        "There is no recommendation 9 in this inspection",
        "Enter the action",
        "Nobody has an account with the email address nobody@example.gov.uk",
    ]


def test_missing_recommendation_and_bad_email() -> None:
    (checked,) = check({"title": "Something", "owner_email": "not an email"})
    assert checked.errors == ["Enter the recommendation number", "Owner email “not an email” is not an email address"]


def test_due_dates_before_publication_or_start_are_refused() -> None:
    early, backwards = check(row(due_on="2008-06-02"), row(start_on="2008-10-01", due_on="2008-09-09"))
    assert early.errors == ["Due date must be on or after the report's publication date"]
    assert backwards.errors == ["Due date must be on or after the start date"]


def test_duplicate_references_are_refused() -> None:
    first, second, existing = check(
        row(reference="2.1"), row(reference="2.1"), {"recommendation": "3", "title": "x", "reference": "3.1"}
    )
    assert first.is_valid
    assert second.errors == ["Action 2.1 appears more than once for this recommendation"]
    assert existing.errors == ["Action 3.1 is already in the plan"]


def test_blank_references_are_numbered_after_every_reference_in_the_plan_and_the_file() -> None:
    blank_three, explicit_three, blank_two, explicit_two, bad_blank, blank_two_again = check(
        {"recommendation": "3", "title": "No reference"},
        {"recommendation": "3", "title": "Given", "reference": "3.2"},
        row(),
        row(reference="2.1"),
        row(owner_email="nobody@example.gov.uk"),
        row(),
    )
    assert (blank_three.reference, blank_three.numbered) == ("3.3", True)
    assert (explicit_three.reference, explicit_three.numbered) == ("3.2", False)
    assert blank_two.reference == "2.2" and blank_two_again.reference == "2.3"
    assert explicit_two.reference == "2.1"
    assert bad_blank.reference == "" and not bad_blank.is_valid  # a skipped row takes no number
    assert all(r.is_valid for r in (blank_three, explicit_three, blank_two, explicit_two, blank_two_again))


def test_references_compare_ignoring_case_and_spaces() -> None:
    first, second, existing = check(
        row(reference="2.1a"), row(reference="2.1A"), {"recommendation": "3", "title": "x", "reference": " 3.1 "}
    )
    assert first.is_valid
    assert second.errors == ["Action 2.1A appears more than once for this recommendation"]
    assert existing.errors == ["Action 3.1 is already in the plan"]


@pytest.mark.parametrize(
    ("cells", "errors"),
    [
        (
            {"status": "Complete", "rag": "Green", "latest_progress": "Done"},
            ["A complete action or one no longer required is rated Blue"],
        ),
        (
            {"status": "In progress", "rag": "Blue", "latest_progress": "Nearly"},
            ["Blue means complete: choose Complete or No longer required as the status, or another rating"],
        ),
        ({"status": "In progress", "rag": "Red"}, ["Enter a narrative explaining the Red rating in “Latest progress”"]),
        (
            {"status": "In progress", "rag": "Amber"},
            ["Enter a narrative explaining the Amber rating in “Latest progress”"],
        ),
        (
            {"status": "Complete"},
            ["Enter a narrative saying what was done to complete the action in “Latest progress”"],
        ),
        (
            {"status": "No longer required", "rag": "Blue"},
            ["Enter a narrative saying why the action is no longer required in “Latest progress”"],
        ),
        ({"status": "In progress", "rag": "Red", "latest_progress": "Staff vacancies"}, []),
        ({"status": "Complete", "latest_progress": "All files audited"}, []),
        ({"status": "In progress", "rag": "Green"}, []),
        ({"status": "In progress"}, []),
    ],
)
def test_status_and_rag_follow_the_progress_form_rules(cells: dict[str, str], errors: list[str]) -> None:
    (checked,) = check(row(**cells))
    assert checked.errors == errors


def test_long_text_is_refused_with_its_limit() -> None:
    (checked,) = check(row(title="x" * 301))
    assert checked.errors == ["Action must be 300 characters or fewer"]


def test_whole_numbers_stay_whole() -> None:
    assert cell_text(2.0) == "2"
    assert cell_text(2.5) == "2.5"
    assert cell_text(None) == ""


def test_formula_protection_round_trips() -> None:
    assert protect_from_formulas('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert protect_from_formulas("- bullet") == "'- bullet"
    assert protect_from_formulas("Plain") == "Plain"
    assert cell_text(protect_from_formulas("=1+1")) == "=1+1"
    assert cell_text("'quoted on purpose") == "'quoted on purpose"


def test_headers_are_found_in_any_case_and_with_aliases() -> None:
    mapping = header_map(["REC NO", "Ref", "Action title", "Lead officer email", "Deadline", "Unrelated", None])
    assert mapping == {0: "recommendation", 1: "reference", 2: "title", 3: "owner_email", 4: "due_on"}
    assert missing_headers(mapping) == []
    assert missing_headers(header_map(["Action"])) == ["Recommendation"]
    assert set(header_map(HEADERS).values()) == {
        "recommendation",
        "recommendation_text",
        "timescale",
        "reference",
        "title",
        "description",
        "owner_email",
        "owner_name",
        "lead_agency",
        "start_on",
        "due_on",
        "success_criteria",
        "status",
        "rag",
        "latest_progress",
        "tracker_id",
    }


def test_one_line_columns_are_read_as_one_line_and_paragraphs_keep_their_lines() -> None:
    [checked] = check(
        row(
            reference="2.1\n",
            title="Audit case\nfiles\r\nBcc: intruder@example.com",
            lead_agency="NHS\tLeicester",
            description="First line\nSecond line",
            success_criteria="Fewer repeat referrals\nAudits every quarter",
        )
    )
    assert (checked.reference, checked.title, checked.lead_agency) == (
        "2.1", "Audit case files Bcc: intruder@example.com", "NHS Leicester"
    )  # fmt: skip
    assert checked.description == "First line\nSecond line"
    assert checked.success_criteria == "Fewer repeat referrals\nAudits every quarter"
