"""The figures are as at the date, from history; the PDF, Word and HTML outputs all carry them."""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime

import pdfplumber
from bs4 import BeautifulSoup
from docx import Document

from tests.factories import ProgressUpdateFactory
from tests.integration.reports.conftest import AS_AT, Plan, at, change_due_date
from tracker.models import (
    ActionStatus,
    DeadlineAnchor,
    DeadlineCounting,
    DeadlineKind,
    ProgressReport,
    ProgressUpdate,
    Rag,
    ReportState,
    StatutoryDeadline,
)
from tracker.reports import services
from tracker.reports.render_docx import render_docx
from tracker.reports.render_html import render_document
from tracker.reports.render_pdf import render_pdf

MADE_AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
SECTIONS = [
    "1. Purpose of report",
    "2. Summary",
    "3. Recommendations",
    "4. Report",
    "5. Financial, legal and other implications",
    "5.1 Financial implications",
    "5.2 Legal implications",
    "5.3 Other implications",
    "6. Background papers – Local Government Act 1972",
    "7. Report author",
    "Appendix 1 – Action plan as at 20 November 2026",
]


def report_for(plan: Plan, db_session, **fields) -> ProgressReport:  # noqa: ANN001, ANN003
    values = {
        "committee": "Cabinet",
        "meets_on": date(2026, 12, 7),
        "as_at": AS_AT,
        "title": "JAR action plan: progress report",
        "report_of": "the Director of Children's Services",
        "purpose": "To report progress.",
        "summary": "Mostly on track.",
        "financial_officer": "Colin Sharpe, Head of Finance",
        "legal_officer": "Cathy Healy, Community Services Law",
        "report_authors": "Susan Harrison\nService Manager\nx 29 6724",
    }
    values.update(fields)
    report = ProgressReport(inspection=plan.inspection, **values)
    db_session.add(report)
    db_session.commit()
    return report


def figures_of(model) -> tuple:  # noqa: ANN001
    return (
        model.figures.by_rag,
        model.figures.overdue,
        [(a.reference, a.status, a.rag, a.due_on, a.progress) for a in model.all_actions()],
        [(r.reference, r.reason) for r in model.revised_due_dates],
    )


def test_figures_are_as_at_the_date_and_do_not_move_when_the_plan_changes_later(plan: Plan, db_session) -> None:
    report = report_for(plan, db_session)
    model = services.model_for(report)
    assert model.figures.by_rag == {"red": 1, "amber": 1, "green": 1, "blue": 1, "none": 0}
    assert model.figures.overdue == 1  # 1.1, due 13 November and still open
    appendix = {a.reference: a for a in model.all_actions()}
    assert appendix["2.2"].due_on == date(2027, 2, 26)
    assert appendix["2.2"].original_due_on == date(2026, 11, 30)
    before = figures_of(model)

    # After the as-at date: the red action is completed, another due date moves, a new action is added,
    # one action is archived. None of this happened by 20 November.
    red = plan.actions["red"]
    db_session.add(
        ProgressUpdate(
            action=red,
            inspection_id=red.inspection_id,
            created_at=at(date(2026, 11, 23)),
            status=ActionStatus.COMPLETE,
            rag=Rag.BLUE,
            narrative="Done",
        )
    )
    red.status, red.rag = ActionStatus.COMPLETE, Rag.BLUE
    change_due_date(plan.actions["green"], date(2027, 6, 30), at(date(2026, 11, 23)), note="Moved later")
    plan.actions["done"].archived_at = at(date(2026, 11, 23))
    from tests.factories import ActionFactory

    ActionFactory(
        recommendation=red.recommendation, reference="1.3", created_at=at(date(2026, 11, 23)), owner=plan.owner
    )
    db_session.commit()

    assert figures_of(services.model_for(report)) == before
    later = services.compute_model(plan.inspection, services.narrative_of(report), date(2026, 11, 24))
    assert later.figures.by_rag["red"] == 0
    assert {a.reference for a in later.all_actions()} == {"1.1", "1.2", "1.3", "2.2"}


def test_the_previous_issued_report_gives_the_comparison_and_the_trend(plan: Plan, db_session) -> None:
    first = report_for(plan, db_session, as_at=date(2026, 10, 31), meets_on=date(2026, 11, 9))
    services.issue_report(first, issuer=plan.manager)
    second = report_for(plan, db_session)
    model = services.model_for(second)
    assert model.previous_as_at == date(2026, 10, 31)
    assert [p.as_at for p in model.trend] == [date(2026, 10, 31), AS_AT]
    changes = {row.rag: (row.previous, row.current) for row in model.figures.rag_change}
    # On 31 October 1.1 was green, 1.2 and 2.2 had no update; by 20 November 1.1 is red, 1.2 green, 2.2 amber.
    assert changes["red"] == (0, 1)
    assert changes["amber"] == (0, 1)
    assert changes["green"] == (1, 1)
    assert changes["none"] == (2, 0)
    assert model.figures.worsened == 1
    assert model.figures.completed_since_previous == 0
    html = render_document(model)
    assert "Chart 2: RAG ratings at each progress report" in html


def _pdf_text(data: bytes) -> tuple[str, list[str], set[str]]:
    """All the text, each page's text, and the text of every table cell (whitespace normalised)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        cells = {
            " ".join(cell.split())
            for page in pdf.pages
            for table in page.extract_tables()
            for row in table
            for cell in row
            if cell
        }
    return "\n".join(pages), pages, cells


def test_the_pdf_has_the_sections_figures_every_action_and_page_numbers(plan: Plan, db_session) -> None:
    model = services.model_for(report_for(plan, db_session))
    text, pages, cells = _pdf_text(render_pdf(model))
    flat = " ".join(text.split())
    for heading in SECTIONS:
        assert heading in flat, heading
    assert "As at 20 November 2026 the action plan has 4 actions: 1 Red (off track), 1 Amber (at risk)" in flat
    for action in model.all_actions():
        assert action.reference in cells and action.title in cells, action.reference
        assert action.success_criteria in cells
    assert "The preferred provider withdrew from the framework" in cells
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    # The running header names the council and the meeting on every page after the first.
    assert all("Leicester City Council" in page and "Cabinet, 7 December 2026" in page for page in pages[1:])
    # The appendix pages carry the key to the RAG words they use.
    appendix_pages = [p for p in pages if "Progress as at" in p]
    assert appendix_pages and all("Red – off track" in p for p in appendix_pages)


def test_the_word_document_has_real_headings_tables_and_repeated_header_rows(plan: Plan, db_session) -> None:
    model = services.model_for(report_for(plan, db_session))
    document = Document(io.BytesIO(render_docx(model, made_at=MADE_AT)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    heading_texts = [text for _style, text in headings]
    for heading in SECTIONS:
        assert heading in heading_texts, heading
    assert ("Heading 1", "2. Summary") in headings
    assert ("Heading 2", "5.3 Other implications") in headings
    assert ("Heading 3", "Recommendation 2") in headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert "2.2\tAs at 20 November 2026 the action plan has 4 actions" in body

    plan_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Ref" and len(t.columns) == 8]
    references = [row.cells[0].text for t in plan_tables for row in t.rows[1:]]
    assert references == [a.reference for a in model.all_actions()]
    for table in plan_tables:
        header = table.rows[0]._tr
        assert header.xpath("./w:trPr/w:tblHeader"), "the header row must repeat on each page"
    rags = [row.cells[7].text for t in plan_tables for row in t.rows[1:]]
    assert rags == ["Red", "Green", "Blue", "Amber"]
    implications = next(t for t in document.tables if t.rows[0].cells[0].text == "Other implications")
    assert [row.cells[0].text for row in implications.rows[1:]][0] == "Equal Opportunities"
    assert document.sections[-1].orientation == 1  # the appendix is landscape
    assert len(document.inline_shapes) == 1  # chart 1; chart 2 needs an earlier report


def test_the_command_renders_each_format(app, plan: Plan, db_session, tmp_path) -> None:  # noqa: ANN001
    report_for(plan, db_session)
    runner = app.test_cli_runner()
    for fmt in ("pdf", "docx", "html"):
        output = tmp_path / f"report.{fmt}"
        result = runner.invoke(
            args=[
                "reports",
                "render",
                str(plan.inspection.id),
                "--as-at",
                "2026-11-20",
                "--format",
                fmt,
                "-o",
                str(output),
            ]
        )
        assert result.exit_code == 0, result.output
        assert "4 actions as at 2026-11-20, 1 overdue" in result.output
        assert output.stat().st_size > 1000
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "JAR action plan: progress report" in (tmp_path / "report.html").read_text()

    result = runner.invoke(args=["reports", "render", "99999", "--as-at", "2026-11-20", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "There is no inspection 99999" in result.output
    result = runner.invoke(
        args=["reports", "render", str(plan.inspection.id), "--as-at", "20/11/2026", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code != 0 and "Use a date like 2026-11-24" in result.output


def test_an_issued_report_keeps_its_snapshot_model(plan: Plan, db_session) -> None:
    report = report_for(plan, db_session)
    services.issue_report(report, issuer=plan.manager)
    db_session.commit()
    assert report.state == ReportState.ISSUED
    snapshot_model = services.model_for(report)
    plan.actions["green"].title = "Changed"
    db_session.commit()
    assert services.model_for(report) == snapshot_model
    assert "Changed" not in render_document(services.model_for(report))


def test_changes_made_through_the_action_plan_are_read_back_as_at_each_date(app, plan: Plan, db_session) -> None:  # noqa: ANN001
    """Drafting edits before the plan is agreed are not revisions; an approved request is, with its reason."""
    from datetime import UTC, datetime

    from tracker.actions.services.due_date_requests import decide_due_date_request
    from tracker.actions.services.editing import update_action
    from tracker.actions.services.progress import record_progress
    from tracker.models import PlanStatus

    action = plan.actions["green"]
    app.config["TRACKER_NOW"] = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    # Still a draft plan: moving the due date moves the original with it.
    update_action(action, {"due_on": date(2027, 2, 5)}, actor=plan.manager)
    plan.inspection.plan_status = PlanStatus.PUBLISHED
    update = record_progress(
        action,
        plan.owner,
        {
            "status": "in_progress",
            "rag": "amber",
            "narrative": "Printing delayed",
            "requested_due_on": date(2027, 3, 5),
            "request_reason": "The printer's contract ended",
        },
    )
    decide_due_date_request(update, approve=True, actor=plan.manager)
    db_session.commit()

    as_at = date(2026, 11, 10)  # audit rows carry the (fixed) time of the change
    model = services.compute_model(plan.inspection, services.narrative_of(report_for(plan, db_session)), as_at)
    row = next(a for a in model.all_actions() if a.reference == "1.2")
    assert (row.due_on, row.original_due_on, row.rag) == (date(2027, 3, 5), date(2027, 2, 5), "amber")
    revision = next(r for r in model.revised_due_dates if r.reference == "1.2")
    assert revision.reason == "The printer's contract ended"
    assert revision.original_due_on == date(2027, 2, 5)


def test_a_title_longer_than_a_word_property_still_renders_and_issues(plan: Plan, db_session) -> None:
    """The form allows 300 characters; Word's title property holds 255, the heading keeps all of it."""
    title = "T" * 300
    report = report_for(plan, db_session, title=title)
    document = Document(io.BytesIO(render_docx(services.model_for(report), made_at=MADE_AT)))
    assert len(document.core_properties.title) == 255
    assert document.core_properties.title.endswith("…")
    assert title in [p.text for p in document.paragraphs]
    services.issue_report(report, issuer=plan.manager)
    assert report.state == ReportState.ISSUED


def test_a_long_unbroken_title_wraps_on_the_pdf_front_page(plan: Plan, db_session) -> None:
    report = report_for(plan, db_session, title="T" * 300)
    with pdfplumber.open(io.BytesIO(render_pdf(services.model_for(report)))) as pdf:
        front = pdf.pages[0]
        assert max(char["x1"] for char in front.chars) <= front.width


def test_title_and_success_criteria_edited_after_the_as_at_date_do_not_move_the_report(
    app,
    plan: Plan,
    db_session,  # noqa: ANN001
) -> None:
    from datetime import UTC, datetime

    from tracker.actions.services.editing import update_action

    report = report_for(plan, db_session)
    app.config["TRACKER_NOW"] = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    action = plan.actions["red"]
    update_action(action, {"title": "RENAMED action title", "success_criteria": "NEW CRITERIA"}, actor=plan.manager)
    db_session.commit()
    model = services.model_for(report)
    row = next(a for a in model.all_actions() if a.reference == "1.1")
    assert (row.title, row.success_criteria) == ("Share the findings with young people", "Criteria for 1.1")
    assert [r.title for r in model.red_or_overdue] == ["Share the findings with young people"]
    later = services.compute_model(plan.inspection, services.narrative_of(report), date(2026, 11, 24))
    row = next(a for a in later.all_actions() if a.reference == "1.1")
    assert (row.title, row.success_criteria) == ("RENAMED action title", "NEW CRITERIA")


def test_the_reason_given_on_the_edit_form_is_the_reason_the_report_prints(app, plan: Plan, db_session) -> None:  # noqa: ANN001
    from datetime import UTC, datetime

    from tracker.actions.services.editing import update_action
    from tracker.models import PlanStatus

    plan.inspection.plan_status = PlanStatus.PUBLISHED
    app.config["TRACKER_NOW"] = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    reason = "The designers' contract was re-tendered"
    update_action(plan.actions["green"], {"due_on": date(2027, 4, 30)}, actor=plan.manager, due_on_reason=reason)
    db_session.commit()
    model = services.model_for(report_for(plan, db_session))
    assert {r.reference: r.reason for r in model.revised_due_dates}["1.2"] == reason


def test_the_command_uses_the_upcoming_meetings_not_the_previous_reports_timetable(
    app,
    plan: Plan,
    db_session,
    tmp_path,  # noqa: ANN001
) -> None:
    from tracker.models import Meeting

    report_for(
        plan,
        db_session,
        forward_timetable=[{"committee": "OSMB", "meets_on": "2026-11-26"}, {"committee": "Cabinet", "meets_on": None}],
    )
    db_session.add(Meeting(inspection=plan.inspection, committee="Scrutiny", meets_on=date(2027, 1, 21)))
    db_session.add(Meeting(inspection=plan.inspection, committee="Cabinet", meets_on=date(2027, 2, 1)))
    db_session.commit()
    model = services.model_for_inspection(plan.inspection, AS_AT)
    assert model.meeting == "Cabinet, 1 February 2027"
    assert [(row.committee, row.meets_on) for row in model.forward_timetable] == [
        ("Scrutiny", date(2027, 1, 21)),
        ("Cabinet", date(2027, 2, 1)),
    ]
    assert model.title == "JAR action plan: progress report"


def test_the_word_front_page_starts_with_wards_affected_not_an_empty_header_row(plan: Plan, db_session) -> None:
    model = services.model_for(report_for(plan, db_session, wards_affected="All"))
    document = Document(io.BytesIO(render_docx(model, made_at=MADE_AT)))
    wards = document.tables[0]
    assert [[cell.text for cell in row.cells] for row in wards.rows] == [["Wards affected", "All"]]
    assert not wards.rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_the_command_refuses_as_at_dates_the_web_form_refuses(app, plan: Plan, db_session, tmp_path) -> None:  # noqa: ANN001
    runner = app.test_cli_runner()
    base = ["reports", "render", str(plan.inspection.id), "-o", str(tmp_path / "x.pdf")]
    result = runner.invoke(args=[*base, "--as-at", "2026-11-25"])  # tomorrow
    assert result.exit_code != 0 and "The as-at date must be today or in the past" in result.output
    result = runner.invoke(args=[*base, "--as-at", "1900-01-01"])
    assert result.exit_code != 0 and "on or after the report's publication date, 2008-06-03" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_renders_html_without_loading_weasyprint(
    app, plan: Plan, db_session, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    import sys

    # A None entry makes any import of the module fail, as if WeasyPrint were not installed.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    monkeypatch.setitem(sys.modules, "tracker.reports.render_pdf", None)
    report_for(plan, db_session)
    output = tmp_path / "report.html"
    args = [
        "reports",
        "render",
        str(plan.inspection.id),
        "--as-at",
        "2026-11-20",
        "--format",
        "html",
        "-o",
        str(output),
    ]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "JAR action plan: progress report" in output.read_text()


def test_the_change_table_uses_a_real_minus_sign(plan: Plan, db_session) -> None:
    first = report_for(plan, db_session, as_at=date(2026, 10, 31))
    services.issue_report(first, issuer=plan.manager)
    db_session.commit()
    model = services.model_for(report_for(plan, db_session))
    document = Document(io.BytesIO(render_docx(model, made_at=MADE_AT)))
    change = next(t for t in document.tables if t.rows[0].cells[0].text == "Rating")
    column = [row.cells[3].text for row in change.rows[1:]]
    assert "\N{MINUS SIGN}2" in column and not any(text.startswith("-") for text in column)
    assert "\N{MINUS SIGN}2" in render_document(model)


def test_a_deadline_whose_receipt_date_was_never_entered_has_no_date_in_every_format(plan: Plan, db_session) -> None:
    db_session.add(
        StatutoryDeadline(
            inspection=plan.inspection,
            kind=DeadlineKind.PUBLISH_REPORT,
            title="Publish the report locally",
            working_days=30,
            anchor=DeadlineAnchor.RECEIVED_ON,
            counting=DeadlineCounting.BEGINNING_WITH,
        )
    )
    db_session.commit()
    model = services.model_for(report_for(plan, db_session))
    phrase = "No date set: the date the council received the report not recorded"
    sentence = (
        "Of 2 statutory deadlines, 1 was met on time, 0 missed or met late, 0 not yet due and "
        "1 with no date set because the date it is counted from is not recorded."
    )

    html = BeautifulSoup(render_document(model), "html.parser")
    row = next(tr for tr in html.select("table tr") if "Publish the report locally" in tr.text)
    assert [td.get_text(" ", strip=True) for td in row.select("td")] == [
        "Publish the report locally",
        "Not set",
        "",
        phrase,
    ]
    assert sentence in " ".join(html.text.split())

    text, _pages, cells = _pdf_text(render_pdf(model))
    assert phrase in cells and "Not met" not in cells
    assert sentence in " ".join(text.split())

    document = Document(io.BytesIO(render_docx(model, made_at=MADE_AT)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Deadline")
    assert [c.text for c in table.rows[-1].cells] == ["Publish the report locally", "Not set", "", phrase]
    assert sentence in " ".join(p.text for p in document.paragraphs)


def test_an_update_with_a_rating_but_no_narrative_is_shown_as_an_update_in_every_format(plan: Plan, db_session) -> None:
    ProgressUpdateFactory(
        action=plan.actions["green"],
        created_at=at(date(2026, 11, 18)),
        status=ActionStatus.IN_PROGRESS,
        rag=Rag.GREEN,
        narrative="",
    )
    db_session.commit()
    model = services.model_for(report_for(plan, db_session))
    words = "Updated 18 November 2026 (no narrative)"

    html = BeautifulSoup(render_document(model), "html.parser")
    row = next(tr for tr in html.select("table tr") if "Publish a summary leaflet" in tr.text)
    assert words in row.get_text(" ", strip=True)
    assert "No progress recorded" not in html.text

    _text, _pages, cells = _pdf_text(render_pdf(model))
    assert words in cells

    document = Document(io.BytesIO(render_docx(model, made_at=MADE_AT)))
    row = next(r for t in document.tables for r in t.rows if r.cells[0].text == "1.2")
    assert any(words in cell.text for cell in row.cells)


def test_recommendations_are_quoted_with_one_lead_in_in_every_format(plan: Plan, db_session) -> None:
    """ "The local authority should:" for a bare body; none added where the text names who it is for."""
    recommendations = sorted(plan.inspection.recommendations, key=lambda r: r.id)
    recommendations[0].addressee, recommendations[0].text = "local authority", "Strengthen management oversight."
    recommendations[1].addressee, recommendations[1].text = "The BSCB", "The BSCB to ensure that audits happen."
    db_session.flush()
    model = services.model_for(report_for(plan, db_session))
    pdf = " ".join(_pdf_text(render_pdf(model))[0].split())
    page = " ".join(BeautifulSoup(render_document(model), "html.parser").get_text(" ").split())
    document = Document(io.BytesIO(render_docx(model, made_at=MADE_AT)))
    word = " ".join(" ".join(p.text for p in document.paragraphs).split())
    for text in (pdf, page, word):
        assert "The local authority should: Strengthen management oversight." in text
        assert "The BSCB to ensure that audits happen." in text
        assert "should: The BSCB" not in text and "local authority should" not in text.replace("The local", "")


def test_weasyprint_renders_the_report_stylesheet_without_a_warning(plan: Plan, db_session, caplog) -> None:  # noqa: ANN001
    """The phone-only rules are a width rule inside a screen rule: WeasyPrint, which reads media types but not media
    features, logged two warnings at every PDF for `@media screen and (max-width: …)`."""
    model = services.model_for(report_for(plan, db_session))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(model)
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []
