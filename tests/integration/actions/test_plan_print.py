"""The printed plan: landscape pages, the recommendation quoted whole, tables that run on over page breaks, and a
PDF that is tagged for the accessibility regulations like the progress report (read back with pikepdf, pdfinfo and
pdfplumber, not trusted from the renderer)."""

from __future__ import annotations

import io
import logging
import re
import subprocess

import pdfplumber
import pikepdf
import pytest

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, RecommendationFactory
from tests.integration.actions.conftest import Plan
from tests.pdf_structure import content, structure, tag
from tracker.models import PlanStatus, Timescale

CRITERIA = (
    "Audits of case files show plans that are specific, measurable and reviewed on time; "
    "children and families say they understand their plan and who to contact."
)
SUB_ITEMS = "ensure that services for children with disabilities:\n- are planned with parents\n- are reviewed each year"
# Shapes of the path operators that draw rules, borders and fills.
PAINT_OPERATORS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
# A landscape A4 page in points.
A4_LANDSCAPE = (842, 595)


@pytest.fixture
def long_plan(plan: Plan, db_session) -> Plan:  # noqa: ANN001
    """Recommendations quoted as reports print them, and enough actions that a table runs over page breaks."""
    plan.immediate.text = SUB_ITEMS
    plan.six_months.addressee = "local authority"
    plan.six_months.text = "Strengthen the quality of supervision of social workers."
    for number in range(2, 30):
        ActionFactory(
            recommendation=plan.immediate,
            reference=f"1.{number}",
            owner=plan.owner,
            title=f"Action {number}: audit case files and report what was found",
            success_criteria=CRITERIA,
            position=number,
        )
    RecommendationFactory(
        inspection=plan.inspection,
        number="3",
        timescale=Timescale.LONGER_TERM,
        addressee="The BSCB",
        text="The BSCB to ensure that single and multi-agency audits are undertaken.",
        position=2,
    )
    db_session.commit()
    return plan


def _pdf(client, plan: Plan) -> bytes:  # noqa: ANN001
    sign_in(client, plan.viewer)
    response = client.get(f"/inspections/{plan.inspection.id}/plan/download.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="action-plan-{plan.inspection.id}.pdf"'
    return response.data


def test_the_print_view_quotes_each_recommendation_whole_and_links_to_the_pdf(client, long_plan: Plan) -> None:
    sign_in(client, long_plan.viewer)
    page = soup(client.get(f"/inspections/{long_plan.inspection.id}/plan/print"))
    quotes = page.select("blockquote.app-plan__quote")
    first, second, third = quotes
    assert first.select_one(".app-plan__lead-in").text == "The local partnership should:"
    assert first.select("p")[1].text == "ensure that services for children with disabilities:"
    assert [li.text for li in first.select("ul li")] == ["are planned with parents", "are reviewed each year"]
    assert second.select_one(".app-plan__lead-in").text == "The local authority should:"
    # A recommendation that names its addressee itself is not given a second one.
    assert third.select_one(".app-plan__lead-in") is None
    assert third.text.strip() == "The BSCB to ensure that single and multi-agency audits are undertaken."
    assert page.select_one(f"a[href='/inspections/{long_plan.inspection.id}/plan/download.pdf']")
    headers = [th.text for th in page.select("table.app-plan__table")[0].select("thead th")]
    assert headers[-1] == "Success criteria"


def test_the_plan_pdf_is_tagged_in_british_english_with_its_title_shown(client, long_plan: Plan, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "plan.pdf"
    path.write_bytes(_pdf(client, long_plan))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    title = f"Action plan in response to the {long_plan.inspection.title}"
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(title)}$", info, re.M)
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert bool(pdf.Root.MarkInfo.Marked)
        metadata = dict(pdf.open_metadata())
        sizes = {tuple(round(float(n)) for n in page.MediaBox[2:]) for page in pdf.pages}
    assert metadata["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    assert metadata["{http://purl.org/dc/elements/1.1/}title"] == title
    assert sizes == {A4_LANDSCAPE}


def test_every_text_run_is_tagged_and_rules_and_running_headers_are_artefacts(client, long_plan: Plan) -> None:
    with pikepdf.open(io.BytesIO(_pdf(client, long_plan))) as pdf:
        tree = structure(pdf)
        runs = list(content(pdf))
        painted = list(_paint(pdf))
        page_count = len(pdf.pages)
    assert page_count >= 3
    assert [run for run in runs if run[3]] == [], "text outside any marked content"
    stray = [(page, mcid) for page, mcid, mark, *_ in runs if mark != "/Artifact" and (page, mcid) not in tree.reached]
    assert stray == [], "marked text that no structure element reaches"
    # "Page 2 of 4" and the running title are pagination artefacts on every page.
    assert {page for page, _mcid, mark, *_ in runs if mark == "/Artifact"} == set(range(page_count))
    # Table borders, the rule under each timescale and the quote's bar are decoration: never content.
    assert painted and all(mark == "/Artifact" for mark in painted)


def _paint(pdf: pikepdf.Pdf):  # noqa: ANN202
    """The innermost mark around each operator that paints a path."""
    for page in pdf.pages:
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BDC", "BMC"):
                stack.append(str(operands[0]))
            elif name == "EMC":
                stack.pop()
            elif name in PAINT_OPERATORS:
                yield next((mark for mark in reversed(stack) if mark == "/Artifact"), stack[-1] if stack else "")


def test_headings_go_down_one_level_at_a_time(client, long_plan: Plan) -> None:
    with pikepdf.open(io.BytesIO(_pdf(client, long_plan))) as pdf:
        headings = [(int(tag(e)[2]), e) for e in structure(pdf).elements if re.fullmatch(r"/H[1-6]", tag(e))]
    levels = [level for level, _ in headings]
    assert levels == [1, 2, 3, 2, 3, 2, 3]


def test_a_table_runs_over_pages_with_its_header_repeated_and_scoped_once(client, long_plan: Plan) -> None:
    data = _pdf(client, long_plan)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        elements = structure(pdf).elements
    tables = [e for e in elements if tag(e) == "/Table"]
    header_cells = [e for e in elements if tag(e) == "/TH"]
    assert len(tables) > 3, "the first recommendation's table should run over a page break"
    # Two tables of six columns (the third recommendation has no actions yet): the header repeated on a later page
    # is an artefact, not more header cells.
    assert len(header_cells) == 2 * 6
    assert {str(cell.A.Scope) for cell in header_cells} == {"/Column"}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    continued = [text for text in pages[1:] if "1.2" in text or "1.29" in text]
    assert continued and all("Success criteria" in text for text in continued)


def test_pages_are_filled_before_breaking(client, long_plan: Plan) -> None:
    """No page is left half empty because a recommendation or a timescale was pushed on to the next one."""
    with pdfplumber.open(io.BytesIO(_pdf(client, long_plan))) as pdf:
        bottoms = [max(char["bottom"] for char in page.chars if char["size"] > 8.5) for page in pdf.pages[:-1]]
        height = float(pdf.pages[0].height)
    assert all(bottom > height * 0.75 for bottom in bottoms), bottoms


def test_every_page_of_a_draft_plan_says_draft_and_a_published_one_does_not(
    client, db_session, long_plan: Plan
) -> None:  # noqa: ANN001
    with pdfplumber.open(io.BytesIO(_pdf(client, long_plan))) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    assert all("Draft – not yet published" in text for text in pages)
    assert all(long_plan.inspection.title in text for text in pages[1:])  # the running title, after the first page
    long_plan.inspection.plan_status = PlanStatus.PUBLISHED
    db_session.commit()
    published = client.get(f"/inspections/{long_plan.inspection.id}/plan/download.pdf").data
    with pdfplumber.open(io.BytesIO(published)) as pdf:
        assert not any("Draft" in page.extract_text() for page in pdf.pages)


def test_weasyprint_renders_the_plan_stylesheet_without_a_warning(client, long_plan: Plan, caplog) -> None:  # noqa: ANN001
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        _pdf(client, long_plan)
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []
