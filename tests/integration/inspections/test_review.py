"""Import a report, check it on the review page, edit the items, and save it as an inspection."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.conftest import soup
from tests.integration.inspections.conftest import (
    REPORTS,
    import_fixture,
    latest_draft,
    make_inspection,
    paste,
    post_review,
    review_form,
)
from tracker.models import AuditEvent, ImportDraft, Inspection, Recommendation, StatutoryDeadline

LEICESTERSHIRE = REPORTS / "leicestershire-jar-2008.txt"


def _items(page) -> list[str]:  # noqa: ANN001
    return [textarea.text for textarea in page.select("textarea[name$='-text']")]


def _count(db_session, model) -> int:  # noqa: ANN001
    return db_session.scalar(select(func.count()).select_from(model))


def test_the_review_page_shows_what_the_importer_found_beside_the_text(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    page = soup(client.get(review_url))

    assert page.select_one("h1").text == "Check the report before saving it"
    assert page.select_one("#authority")["value"] == "Leicestershire County Council"
    assert page.select_one("#framework option[selected]")["value"] == "JAR"
    assert [page.select_one(f"#published_on-{part}")["value"] for part in ("day", "month", "year")] == [
        "19",
        "2",
        "2008",
    ]
    # The importer never knows when the report was received: the page asks for it.
    assert [page.select_one(f"#received_on-{part}").get("value") for part in ("day", "month", "year")] == ["", "", ""]
    assert "enter the date the council received the report" in page.select_one("#received_on-hint").text
    assert page.select_one("#judgements-0-area")["value"] == "Safeguarding"
    assert page.select_one("#judgements-0-grade")["value"] == "3"
    items = _items(page)
    assert len(items) == 8
    assert items[0].startswith("ensure that an appropriate way is found")
    assert page.select_one("#recommendations-3-timescale option[selected]")["value"] == "six_months"
    assert page.select_one("#recommendations-0-addressee")["value"] == "The local partnership"
    source = page.select_one(".app-source-text")
    assert "Joint area review" in source.text
    assert source["tabindex"] == "0"
    # Statutory dates from the JAR rules, counted from publication on 19 February 2008.
    deadlines = page.select_one("#deadlines ~ table").get_text(" ", strip=True)
    assert "Publish the action plan" in deadlines
    # Nothing is an inspection yet.
    assert _count(db_session, Inspection) == 0


def test_missing_details_are_asked_for_not_guessed(client, manager, db_session) -> None:
    response = paste(client, "Some notes about a visit with no recognisable headings at all.")
    page = soup(client.get(response.headers["Location"]))
    assert not page.select_one("#authority").get("value")
    assert "Not found in the report" in page.select_one("#authority-hint").text
    assert page.select_one("#framework option[selected]") is None or (
        page.select_one("#framework option[selected]")["value"] == ""
    )
    assert "does not print it" in page.select_one("#published_on-hint").text
    assert "No recommendations were found in this report" in page.get_text(" ", strip=True)
    assert "Some notes about a visit" in page.select_one(".app-source-text").text


def test_editing_splitting_merging_moving_and_deleting_items(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["recommendations-0-text"] = "First part of the item\nSecond part of the item"
    data["recommendations-0-number"] = "1"

    response = post_review(client, review_url, data, "split-0")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#item-0")
    page = soup(client.get(review_url))
    items = _items(page)
    assert items[:2] == ["First part of the item", "Second part of the item"]
    assert len(items) == 9
    assert page.select_one("#recommendations-1-timescale option[selected]")["value"] == "immediate"
    assert page.select_one("#recommendations-1-addressee")["value"] == "The local partnership"

    post_review(client, review_url, review_form(client, review_url), "merge-0")
    items = _items(soup(client.get(review_url)))
    assert items[0] == "First part of the item Second part of the item"
    assert len(items) == 8

    post_review(client, review_url, review_form(client, review_url), "down-0")
    items = _items(soup(client.get(review_url)))
    assert items[1] == "First part of the item Second part of the item"
    post_review(client, review_url, review_form(client, review_url), "up-1")
    assert _items(soup(client.get(review_url)))[0] == "First part of the item Second part of the item"

    post_review(client, review_url, review_form(client, review_url), "delete-7")
    post_review(client, review_url, review_form(client, review_url), "add")
    page = soup(client.get(review_url))
    items = _items(page)
    assert len(items) == 8 and items[-1] == ""
    # A new item takes the last item's timescale.
    assert page.select_one("#recommendations-7-timescale option[selected]")["value"] == "longer_term"

    post_review(client, review_url, review_form(client, review_url), "insert-0")
    assert _items(soup(client.get(review_url)))[1] == ""


def test_an_item_with_sub_items_on_their_own_lines_splits_only_at_an_empty_line(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["recommendations-0-text"] = "Improve oversight of:\nsupervision\naudits.\n\nReview the front door."
    response = post_review(client, review_url, data, "split-0")
    assert response.status_code == 302
    items = _items(soup(client.get(review_url)))
    assert items[:2] == ["Improve oversight of:\nsupervision\naudits.", "Review the front door."]
    assert len(items) == 9


def test_split_without_a_new_line_explains_itself_and_keeps_every_edit(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["authority"] = "Leicestershire County Council"
    data["recommendations-2-text"] = "An edited item with no new line"

    response = post_review(client, review_url, data, "split-2")

    assert response.status_code == 400
    page = soup(response)
    assert "start a new line in its text where it should split" in page.select_one(".govuk-error-summary").text
    assert page.select_one(".govuk-error-summary a")["href"] == "#recommendations-2-text"
    assert page.select_one("#recommendations-2-text").text == "An edited item with no new line"
    assert page.select_one("#authority")["value"] == "Leicestershire County Council"
    # Kept server-side, so a reload shows the same.
    page = soup(client.get(review_url))
    assert page.select_one("#authority")["value"] == "Leicestershire County Council"


def test_judgements_can_be_added_corrected_and_removed(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["judgements-0-grade"] = "2"
    post_review(client, review_url, data, "add-judgement")
    data = review_form(client, review_url)
    assert data["judgements-0-grade"] == "2"
    assert data["judgements-5-area"] == ""
    data["judgements-5-area"] = "Being healthy"
    data["judgements-5-grade"] = "3"
    post_review(client, review_url, data, "delete-judgement-1")
    data = review_form(client, review_url)
    areas = [data[f"judgements-{i}-area"] for i in range(5)]
    assert areas == [
        "Safeguarding",
        "Learning difficulties and/or disabilities",
        "Service management",
        "Capacity to improve",
        "Being healthy",
    ]


def test_saving_creates_the_inspection_recommendations_in_order_and_deadlines(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["title"] = "Joint area review of Leicestershire"
    data.setlist("published_on", ["3", "6", "2008"])
    data.setlist("received_on", ["20", "5", "2008"])
    data["recommendations-1-text"] = "reduce unauthorised absence in secondary schools, edited"
    data["recommendations-1-number"] = "2"
    data["recommendations-1-theme"] = "Attendance"

    response = post_review(client, review_url, data, "save")

    assert response.status_code == 302, soup(response).get_text(" ", strip=True)[:1500]
    inspection = db_session.scalars(select(Inspection)).one()
    assert response.headers["Location"].endswith(f"/inspections/{inspection.id}")
    assert inspection.title == "Joint area review of Leicestershire"
    assert inspection.authority == "Leicestershire County Council"
    assert inspection.published_on == date(2008, 6, 3)
    assert inspection.received_on == date(2008, 5, 20)
    assert inspection.source_filename == "leicestershire-jar-2008.txt"
    assert len(inspection.source_sha256) == 64
    assert "Joint area review" in inspection.source_text
    assert [m.id for m in inspection.managers] == [manager.id]
    assert [(j.area, j.grade) for j in inspection.judgements][0] == ("Safeguarding", "3")
    recommendations = inspection.recommendations
    assert [r.position for r in recommendations] == list(range(8))
    assert recommendations[1].text == "reduce unauthorised absence in secondary schools, edited"
    assert recommendations[1].number == "2"
    assert recommendations[1].theme == "Attendance"
    assert [r.timescale.value for r in recommendations].count("six_months") == 3
    deadlines = {d.title: d for d in db_session.scalars(select(StatutoryDeadline))}
    assert deadlines["Publish the report locally"].due_on == date(2008, 7, 14)
    assert deadlines["Publish the action plan"].due_on == date(2008, 9, 9)
    assert len(deadlines["Publish the report locally"].checklist) == 5
    assert _count(db_session, ImportDraft) == 0
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.inspection_id == inspection.id)).one()
    assert event.field == "inspection" and "leicestershire-jar-2008.txt" in event.note


def test_a_validation_error_on_save_keeps_everything(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["title"] = ""
    data.setlist("published_on", ["31", "2", "2008"])
    data["recommendations-4-text"] = "   "
    data["recommendations-0-text"] = "an edited first item"

    response = post_review(client, review_url, data, "save")

    assert response.status_code == 400
    page = soup(response)
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Enter the title of the report" in summary
    assert "The date the report was published must be a real date" in summary
    assert "Enter the text of the recommendation, or delete the item" in summary
    assert [page.select_one(f"#published_on-{p}")["value"] for p in ("day", "month", "year")] == ["31", "2", "2008"]
    assert page.select_one("#recommendations-0-text").text == "an edited first item"
    assert _count(db_session, Inspection) == 0
    # The edits are in the draft: leaving and coming back loses nothing.
    page = soup(client.get(review_url))
    assert page.select_one("#recommendations-0-text").text == "an edited first item"
    assert [page.select_one(f"#published_on-{p}")["value"] for p in ("day", "month", "year")] == ["31", "2", "2008"]


def test_a_date_with_a_missing_part_says_which(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data.setlist("received_on", ["", "6", "2008"])
    data.setlist("inspection_start_on", ["10", "9", "2007"])
    data.setlist("inspection_end_on", ["1", "9", "2007"])
    response = post_review(client, review_url, data, "save")
    assert response.status_code == 400
    summary = soup(response).select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "The date the council received the report must include a day" in summary
    assert "The date the inspection ended must be the same as or after the date it started" in summary


def test_no_recommendations_found_then_added_by_hand(client, manager, db_session) -> None:
    text = "Leicester City Council\nA letter about services for children.\nThere is nothing to list here."
    review_url = paste(client, text).headers["Location"]
    page = soup(client.get(review_url))
    assert "No recommendations were found in this report" in page.get_text(" ", strip=True)
    assert "A letter about services for children." in page.select_one(".app-source-text").text

    post_review(client, review_url, review_form(client, review_url), "add")
    data = review_form(client, review_url)
    data["authority"] = "Leicester"
    data["title"] = "Annual performance assessment"
    data["framework"] = "APA"
    data["recommendations-0-text"] = "Improve the timeliness of initial assessments."
    data["recommendations-0-timescale"] = "improvement"
    response = post_review(client, review_url, data, "save")

    assert response.status_code == 302
    inspection = db_session.scalars(select(Inspection)).one()
    assert [r.text for r in inspection.recommendations] == ["Improve the timeliness of initial assessments."]
    assert inspection.source_filename is None
    # APA sets no statutory deadlines.
    assert _count(db_session, StatutoryDeadline) == 0


def test_discarding_asks_first_then_keeps_nothing(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    draft_id = latest_draft(db_session).id
    response = post_review(client, review_url, review_form(client, review_url), "discard-ask")
    assert response.headers["Location"].endswith(f"/inspections/imports/{draft_id}/discard")
    assert _count(db_session, ImportDraft) == 1
    discard_url = f"/inspections/imports/{draft_id}/discard"
    draft_key = soup(client.get(discard_url)).select_one("input[name=draft_key]")["value"]
    response = client.submit(discard_url, {"draft_key": draft_key})
    assert response.status_code == 302
    assert _count(db_session, ImportDraft) == 0
    assert _count(db_session, Inspection) == 0
    assert _count(db_session, Recommendation) == 0


def test_unfinished_imports_are_listed_for_their_owner(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    page = soup(client.get("/inspections"))
    assert review_url in [a["href"] for a in page.select("main a")]
    assert "Reports you are checking" in page.get_text(" ", strip=True)


def test_markup_in_a_report_is_shown_as_text(client, manager, db_session) -> None:
    text = (
        "Recommendations\nFor immediate action\nThe local partnership should:\n"
        "- ensure <script>alert(1)</script> is shown as text"
    )
    review_url = paste(client, text).headers["Location"]
    html = client.get(review_url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_home_page_links_each_inspection_to_its_page(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    page = soup(client.get("/"))
    link = page.find("a", string="Joint area review of Leicester")
    assert link is not None and link["href"] == f"/inspections/{inspection.id}"


def test_odd_posts_to_the_review_page_never_fail(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    for operation in ("split-99", "merge-7", "up-0", "down-7", "delete-judgement-42", "nonsense", "split-x", ""):
        assert post_review(client, review_url, data, operation).status_code in (302, 400), operation
    # Fields left out of the post (an old page, a hand-made request) are taken as empty.
    sparse = review_form(client, review_url)
    for key in [key for key in sparse if key.endswith(("-number", "-theme", "-addressee"))]:
        del sparse[key]
    response = post_review(client, review_url, sparse, "save")
    assert response.status_code == 302
    inspection = db_session.scalars(select(Inspection)).one()
    assert [r.number for r in inspection.recommendations] == [None] * 8
    assert inspection.recommendations[0].addressee is None


def test_a_publication_date_over_a_year_ahead_is_an_error(client, manager, db_session, now) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data.setlist("published_on", ["1", "1", "2099"])
    response = post_review(client, review_url, data, "save")
    assert response.status_code == 400
    assert soup(response).select_one("#published_on-error").text.strip() == (
        "Error: The date the report was published cannot be more than a year from today"
    )
    data.setlist("published_on", ["24", "11", "2027"])  # a year from "now", 24 November 2026
    assert post_review(client, review_url, data, "save").status_code == 302


def test_a_received_date_after_the_publication_date_is_an_error(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data.setlist("published_on", ["22", "6", "2015"])
    data.setlist("received_on", ["1", "8", "2015"])
    response = post_review(client, review_url, data, "save")
    assert response.status_code == 400
    assert soup(response).select_one("#received_on-error").text.strip() == (
        "Error: The date the council received the report must be the same as or before the date it was published"
    )
    assert _count(db_session, Inspection) == 0


def test_over_long_fields_say_which_field_and_its_limit(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = review_form(client, review_url)
    data["title"] = "T" * 301
    data["authority"] = "A" * 201
    data["recommendations-0-theme"] = "x" * 301
    data["recommendations-0-addressee"] = "x" * 301
    data["judgements-0-grade"] = "g" * 101
    response = post_review(client, review_url, data, "save")
    assert response.status_code == 400
    summary = [link.text.strip() for link in soup(response).select(".govuk-error-summary__list a")]
    assert summary == [
        "Local authority must be 200 characters or fewer",
        "Title must be 300 characters or fewer",
        "Grade must be 100 characters or fewer",
        "Addressee must be 300 characters or fewer",
        "Theme must be 300 characters or fewer",
    ]
