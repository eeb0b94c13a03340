"""The committee paper a clerk files unchanged (the Leicester 2008 Cabinet paper): the decision box, subheadings in
the narrative, the optional sections the author ticks and further appendices, in the page, the PDF and the Word
file; bad input is refused with a clear message and nothing typed is lost."""

from __future__ import annotations

import io

import pdfplumber
from docx import Document

from tests.conftest import FIXTURES, sign_in, soup
from tests.integration.reports.conftest import REPORT_FORM, Plan
from tests.integration.reports.test_report_pages import create_report
from tracker.models import Judgement, ProgressReport

FIXTURE = FIXTURES / "reports" / "leicester-jar-action-plan-cabinet-2008.txt"
BODY = (
    "## Background\n\nThe Children Act 2004 requires a Joint Area Review.\n\n"
    "## Leicester's JAR\nThe JAR took place in January/February 2008."
)
# A typed table: one row on each line, cells separated by "|".
GRADES_TYPED = "Service | Grade\nSafeguarding | 3\nService management | 2"


def finance_table() -> str:
    """Appendix 2 of the real paper, as a spreadsheet copies it (tab-separated, empty cells kept)."""
    text = FIXTURE.read_text(encoding="utf-8")
    rows = text[text.index("TLL ACTUAL & FORECAST COSTS") :].splitlines()
    return "\n".join(row.replace("<u>", "").replace("</u>", "") for row in rows)


PAPER_FORM = {
    **REPORT_FORM,
    "report_body": BODY,
    "key_decision": "no",
    "key_decision_reason": "",
    "forward_plan": "yes",
    "forward_plan_on": ["4", "8", "2026"],
    "decision_by": "executive",
    "optional_sections": ["grades", "recommendations", "deadlines"],
    "appendices-0-title": "TLL actual and forecast costs",
    "appendices-0-kind": "table",
    "appendices-0-content": finance_table(),
    "appendices-1-title": "Consultation",
    "appendices-1-kind": "text",
    "appendices-1-content": "Partners were consulted in July.\n\nAll agreed the plan.",
}


def _judgements(plan: Plan, db_session) -> None:  # noqa: ANN001
    for position, (area, grade) in enumerate([("Safeguarding", "3"), ("Service management", "2")]):
        db_session.add(Judgement(inspection=plan.inspection, area=area, grade=grade, position=position))
    db_session.commit()


def test_the_paper_parts_print_in_the_page_the_pdf_and_the_word_file(client, plan: Plan, db_session) -> None:
    _judgements(plan, db_session)
    sign_in(client, plan.manager)
    report = create_report(client, plan, **PAPER_FORM)

    page = soup(client.get(f"/reports/{report.id}")).select_one(".app-report")
    decision = {row.th.text: row.td.text for row in page.select("table.app-report__decision tr")}
    assert decision == {
        "Key decision": "No",
        "Reason": "N/A",
        "Appeared in Forward Plan": "Yes, 4 August 2026",
        "Executive or Council decision": "Executive (Cabinet)",
    }
    # The decision box is near the top: in the masthead, before section 1.
    assert page.select_one("header.app-report__masthead table.app-report__decision") is not None
    assert [h.text for h in page.select("h3.app-report__subheading")] == ["Background", "Leicester's JAR"]
    text = page.get_text(" ", strip=True)
    assert "4.1 The Children Act 2004 requires a Joint Area Review." in text
    assert "4.2 The JAR took place in January/February 2008." in text
    assert "4.1 Background" not in text
    grades = page.select_one("table.app-report__table--grades")
    assert [(r.th.text, r.td.text) for r in grades.select("tbody tr")] == [
        ("Safeguarding", "3"),
        ("Service management", "2"),
    ]
    assert "ensure that findings are shared" in page.select_one("ul.app-report__recommendations").text
    appendices = [h.text for h in page.select("h2.app-report__appendix-title")]
    assert appendices[1:] == ["Appendix 2 – TLL actual and forecast costs", "Appendix 3 – Consultation"]
    finance = page.select_one("table.app-report__table--appendix")
    assert len(finance.select("thead th")) == 5
    assert [td.text for td in finance.select("tbody tr")[-1].select("td")] == [
        "GRAND TOTAL",
        "469",
        "5,957",
        "1,734",
        "8,160",
    ]

    pdf = client.get(f"/reports/{report.id}/download.pdf").data
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        # Without the draft's watermark letters, which the text extraction mixes into the lines.
        pages = [p.filter(lambda o: o.get("size", 0) < 100).extract_text() for p in document.pages]
    assert "Key decision No" in pages[0] and "Appeared in Forward Plan Yes, 4 August 2026" in pages[0]
    whole = "\n".join(pages)
    assert "Background\n4.1 The Children Act 2004" in whole
    assert "Appendix 2 – TLL actual and forecast costs" in whole
    assert "GRAND TOTAL 469 5,957 1,734 8,160" in whole

    word = Document(io.BytesIO(client.get(f"/reports/{report.id}/download.docx").data))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 2", "Background") in headings
    assert ("Heading 2", "The inspection's grades") in headings
    assert ("Heading 1", "Appendix 2 – TLL actual and forecast costs") in headings
    cells = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert ["Key decision", "No"] in cells
    assert ["GRAND TOTAL", "469", "5,957", "1,734", "8,160"] in cells


def test_sections_left_unticked_are_left_out(client, plan: Plan, db_session) -> None:
    _judgements(plan, db_session)
    sign_in(client, plan.manager)
    report = create_report(client, plan, optional_sections=[])
    page = soup(client.get(f"/reports/{report.id}")).select_one(".app-report")
    headings = [h.text for h in page.select("h3")]
    assert "The inspection's grades" not in headings
    assert "The inspection's recommendations" not in headings
    assert "Statutory deadlines" not in headings
    assert "Exceptions: what members need to see" in headings
    # The change paragraph takes the number the deadlines paragraph would have had.
    assert "4.3 This is the first progress report" in page.get_text(" ", strip=True)


def test_what_the_author_types_is_printed_as_text(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    script = "<script>alert(1)</script>"
    report = create_report(
        client,
        plan,
        report_body=f"## {script}\n\nBody {script}",
        key_decision_reason=script,
        **{
            "appendices-0-title": script,
            "appendices-0-kind": "table",
            "appendices-0-content": f"A|B\n{script}|<b>x</b>",
        },
    )
    for url in (f"/reports/{report.id}", f"/reports/{report.id}/print"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>x</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_ragged_table_or_an_over_long_appendix_is_refused_and_nothing_typed_is_lost(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    ragged = "Area\tGrade\nSafeguarding\t3\nLooked after children"
    form = {
        **REPORT_FORM,
        "summary": "Typed before the mistake.",
        "forward_plan": "yes",
        "appendices-0-title": "Grades",
        "appendices-0-kind": "table",
        "appendices-0-content": ragged,
        "appendices-1-title": "Long",
        "appendices-1-kind": "text",
        "appendices-1-content": "x" * 20_001,
    }
    response = client.submit(f"/reports/{report.id}/edit", form)
    assert response.status_code == 400
    page = soup(response)
    errors = [a.text for a in page.select(".govuk-error-summary a")]
    assert any(e.startswith("Appendix 2: Row 3 has 1 cell but the header row has 2: give every row") for e in errors)
    assert "Appendix 3 must be 20,000 characters or fewer" in errors
    assert "Enter the date the decision appeared in the Forward Plan" in errors
    links = {a.text: a["href"] for a in page.select(".govuk-error-summary a")}
    assert links["Appendix 3 must be 20,000 characters or fewer"] == "#appendices-1-content"
    assert page.select_one("#appendices-0-content").text.replace("\r\n", "\n") == ragged
    assert page.select_one("#summary").text == "Typed before the mistake."


def test_add_an_appendix_saves_and_redisplays_and_a_broken_one_can_be_removed(client, plan: Plan, db_session) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    form = {**REPORT_FORM, "summary": "Saved by the add button.", "add_appendix": "Add an appendix"}
    response = client.submit(f"/reports/{report.id}/edit", form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/{report.id}/edit?add_appendix=1#appendices")
    db_session.expire_all()
    assert db_session.get(ProgressReport, report.id).summary == "Saved by the add button."
    page = soup(client.get(response.headers["Location"]))
    assert page.select_one("label[for=appendices-0-title]").text.strip() == "Appendix 2: title"
    assert page.select_one("#appendices-0-title")["value"] == ""

    typed = {"appendices-0-title": "Grades", "appendices-0-kind": "table", "appendices-0-content": GRADES_TYPED}
    assert client.submit(f"/reports/{report.id}/edit", {**REPORT_FORM, **typed}).status_code == 302
    db_session.expire_all()
    assert db_session.get(ProgressReport, report.id).appendices == [
        {"title": "Grades", "kind": "table", "content": GRADES_TYPED}
    ]

    broken = {**typed, "appendices-0-content": "A\tB\nonly one", "appendices-0-remove": "y"}
    assert client.submit(f"/reports/{report.id}/edit", {**REPORT_FORM, **broken}).status_code == 302
    db_session.expire_all()
    assert db_session.get(ProgressReport, report.id).appendices == []


def test_no_portrait_page_is_left_half_empty_before_a_table(client, plan: Plan, db_session) -> None:  # noqa: ANN001
    """Tables break across pages with their header repeated and only rows kept whole, so a long exceptions table
    starts where the text before it ends instead of leaving half a page empty (issue 14)."""
    from tests.factories import ActionFactory, ProgressUpdateFactory
    from tests.integration.reports.conftest import BEFORE, at
    from tracker.models import ActionStatus, Rag

    recommendation = plan.actions["red"].recommendation
    for number in range(3, 15):
        action = ActionFactory(
            recommendation=recommendation, reference=f"1.{number}", owner=plan.owner, created_at=BEFORE
        )
        ProgressUpdateFactory(
            action=action,
            created_at=at(plan.actions["red"].due_on),
            status=ActionStatus.IN_PROGRESS,
            rag=Rag.RED,
            narrative="Off track: recruitment has not attracted suitable candidates; re-advertised with a supplement.",
        )
    db_session.commit()
    sign_in(client, plan.manager)
    report = create_report(client, plan, summary="\n\n".join(["The plan is mostly on track."] * 6))
    millimetre = 72 / 25.4
    with pdfplumber.open(io.BytesIO(client.get(f"/reports/{report.id}/download.pdf").data)) as pdf:
        portrait = [page for page in pdf.pages if page.width < page.height]
        fill = []
        for page in portrait[:-1]:
            text = page.filter(lambda o: o.get("size", 0) < 100)
            area = (24 * millimetre, page.height - 20 * millimetre)
            lowest = max(w["bottom"] for w in text.extract_words() if area[0] < w["top"] < area[1])
            fill.append((lowest - area[0]) / (area[1] - area[0]))
    assert len(fill) >= 2
    assert min(fill) > 0.6, [f"{f:.0%}" for f in fill]


def test_a_report_has_at_most_twenty_further_appendices(client, plan: Plan, db_session) -> None:  # noqa: ANN001
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    many = {f"appendices-{i}-title": f"Appendix {i}" for i in range(25)}
    many.update({f"appendices-{i}-content": "Text." for i in range(25)})
    response = client.submit(f"/reports/{report.id}/edit", {**REPORT_FORM, **many, "add_appendix": "Add an appendix"})
    assert response.status_code == 302
    db_session.expire_all()
    assert len(db_session.get(ProgressReport, report.id).appendices) == 20
    page = soup(client.get(response.headers["Location"]))
    assert "A report can have up to 20 further appendices" in page.get_text(" ", strip=True)
    assert page.select_one("#appendices-20-title") is None
