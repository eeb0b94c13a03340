"""Every number from outside is range-checked (issue 11, attack 11): ids beyond the database's integers, Unicode
digits and days of 10^23 give a 404, a left-out filter or a form error, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import soup
from tracker import clock
from tracker.demo.services import load_demo
from tracker.inspections.drafts import import_pasted_text
from tracker.models import Action, ImportDraft, Inspection, Recommendation, User
from tracker.numbers import DATABASE_INT_MAX, page_number, whole_number

BEYOND_64_BITS = "99999999999999999999999"
DAY_OF_10_TO_THE_23 = "1" + "0" * 23


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0), ("42", 42), ("007", 7), (str(DATABASE_INT_MAX), DATABASE_INT_MAX),
        (str(DATABASE_INT_MAX + 1), None), (BEYOND_64_BITS, None), ("9" * 5000, None), ("0" * 30 + "5", 5),
        ("²", None), ("١٢", None), ("𝟙", None), ("-1", None), ("+1", None), (" 1", None), ("1.0", None), ("", None),
        (None, None), (7, None),
    ],
)  # fmt: skip
def test_whole_number_takes_ascii_digits_within_the_database_range(value: object, expected: int | None) -> None:
    assert whole_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), ("0", 1), (None, 1), ("", 1), ("²", 1), ("٣", 1), ("-2", 1), (BEYOND_64_BITS, 100_000)],
)
def test_page_number(value: object, expected: int) -> None:
    assert page_number(value) == expected


@pytest.fixture
def demo(client, db_session, now):  # noqa: ANN001, ANN201
    load_demo(clock.today())
    db_session.commit()
    return client


def _sign_in(client, email: str) -> None:  # noqa: ANN001
    response = client.submit("/sign-in", {"email": email, "password": "demo-tracker-password"})
    assert response.status_code == 302


def _first(db_session, model: type) -> int:  # noqa: ANN001
    return db_session.scalar(select(model.id).order_by(model.id))


def test_ids_beyond_the_database_range_or_in_unicode_digits_are_not_found(demo, db_session) -> None:
    _sign_in(demo, "programme.manager@demo.test")
    action_id = _first(db_session, Action)
    assert action_id == 1  # so that "١" (Arabic-Indic one) would have opened it

    for url in (
        f"/actions/{BEYOND_64_BITS}",
        f"/actions/{DATABASE_INT_MAX + 1}",
        "/actions/9223372036854775808",
        "/actions/%D9%A1",  # ١
        "/actions/%C2%B2",  # ²
        f"/inspections/{BEYOND_64_BITS}/plan",
        f"/recommendations/{BEYOND_64_BITS}/actions/new",
        f"/reports/{BEYOND_64_BITS}/download.pdf",
    ):
        response = demo.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.get_data(as_text=True)
    assert demo.get(f"/actions/{action_id}").status_code == 200


def test_odd_numbers_in_query_strings_leave_the_filter_out_or_show_the_first_page(demo, db_session) -> None:
    _sign_in(demo, "admin@demo.test")
    inspection_id = _first(db_session, Inspection)
    every_action = soup(demo.get("/actions")).select_one("h1").text

    for query in (f"owner={BEYOND_64_BITS}", "owner=%C2%B2", "owner=%D9%A1", f"inspection={BEYOND_64_BITS}",
                  "inspection=%C2%B2", f"page={BEYOND_64_BITS}", "page=%C2%B2"):  # fmt: skip
        response = demo.get(f"/actions?{query}")
        assert response.status_code == 200, query
        assert soup(response).select_one("h1").text == every_action
    for url in (
        f"/my-actions?inspection={BEYOND_64_BITS}&page={BEYOND_64_BITS}",
        "/my-actions?inspection=%C2%B2&page=%C2%B2",
        f"/inspections?page={BEYOND_64_BITS}",
        f"/inspections/{inspection_id}/history?page={BEYOND_64_BITS}",
        f"/inspections/{inspection_id}/history?page=%C2%B2",
        f"/inspections/{inspection_id}/plan?page={BEYOND_64_BITS}",
        f"/admin/outbox?page={BEYOND_64_BITS}",
        "/admin/outbox?page=%C2%B2",
    ):
        assert demo.get(url).status_code == 200, url


def test_a_version_or_marks_in_unicode_digits_or_beyond_range_are_not_a_500(demo, db_session) -> None:
    _sign_in(demo, "programme.manager@demo.test")
    action_id = _first(db_session, Action)
    url = f"/actions/{action_id}/progress"
    update = {"status": "in_progress", "rag": "amber", "narrative": "Venue booked"}

    stale = demo.submit(url, {**update, "version": "0", "seen": "²:²"})
    odd_versions = [demo.submit(url, {**update, "version": version}) for version in ("²", BEYOND_64_BITS)]

    assert stale.status_code == 409
    assert [response.status_code for response in odd_versions] == [302, 302]  # no version to check, as if left out


def test_a_day_of_ten_to_the_23_is_a_real_date_error_on_every_date_form(demo, db_session) -> None:
    _sign_in(demo, "programme.manager@demo.test")
    inspection_id = _first(db_session, Inspection)
    recommendation_id = _first(db_session, Recommendation)
    odd = [DAY_OF_10_TO_THE_23, "9", "2026"]
    unicode_digits = ["١", "٩", "٢٠٢٦"]
    forms = [
        (f"/recommendations/{recommendation_id}/actions/new",
         {"reference": "9.9", "title": "Book a venue", "owner_id": "0"}, "due_on", "Due date must be a real date"),
        (f"/inspections/{inspection_id}/deadlines/new", {"title": "Send the plan to Ofsted"}, "due_on",
         "The due date must be a real date"),
        (f"/inspections/{inspection_id}/meetings/new", {"committee": "Cabinet"}, "meets_on",
         "The date of the meeting must be a real date"),
        (f"/inspections/{inspection_id}/reports/new", {"committee": "Cabinet", "title": "Progress",
         "as_at": ["1", "9", "2026"]}, "meets_on", "Meeting date must be a real date"),
    ]  # fmt: skip
    for url, data, field, message in forms:
        for parts in (odd, unicode_digits):
            response = demo.submit(url, {**data, field: parts})
            assert response.status_code == 400, (url, parts)
            assert message in soup(response).select_one(".govuk-error-summary").text, (url, parts)
            assert [box["value"] for box in soup(response).select(f"input[name={field}]")] == parts


def test_a_day_of_ten_to_the_23_in_an_unfinished_import_keeps_its_review_page(demo, db_session) -> None:
    manager = db_session.scalars(select(User).where(User.email == "programme.manager@demo.test")).one()
    draft = import_pasted_text("Leicester City Council\nRecommendations\n1. Improve something.\n", user=manager)
    db_session.commit()
    _sign_in(demo, manager.email)
    page = soup(demo.get(f"/inspections/imports/{draft.id}"))
    data = {
        field["name"]: field.get("value", "")
        for field in page.select("form input[name], form select[name]")
        if field["name"] not in ("csrf_token", "published_on")
    }
    data.update({"framework": "jar", "published_on": [DAY_OF_10_TO_THE_23, "6", "2008"], "op": "update"})
    data["draft_key"] = page.select_one("input[name=draft_key]")["value"]

    response = demo.submit(f"/inspections/imports/{draft.id}", data)
    assert response.status_code == 302
    page = demo.get(response.headers["Location"])

    assert page.status_code == 200
    db_session.expire_all()
    assert db_session.get(ImportDraft, draft.id).fields["published_on"][0] == DAY_OF_10_TO_THE_23


def test_a_control_character_in_a_link_secret_is_not_found(demo) -> None:
    """PostgreSQL refuses a NUL in a query: the secret in a calendar, update or password link never gets that far."""
    for url in (
        "/calendar/%00.ics",
        "/update/%00",
        "/reset-password/a%00b",
        "/set-password/%1B",
        "/calendar/%C2%85.ics",
    ):
        assert demo.get(url).status_code == 404, url
