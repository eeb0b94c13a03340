"""Published committee papers meet the accessibility regulations: the PDF is tagged (PDF/UA-1) and the Word file
carries its language, properties and alternative text. Checked by reading the files back, not by trusting the
renderer: the PDF's structure tree is walked with pikepdf and the Word document's XML is read."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pikepdf
import pytest

from tests.factories import ActionFactory
from tests.integration.reports.conftest import AS_AT, Plan
from tests.pdf_structure import TEXT_OPERATORS
from tests.pdf_structure import content as _content
from tests.pdf_structure import structure as _structure
from tests.pdf_structure import tag as _tag
from tracker.models import ProgressReport
from tracker.reports import services
from tracker.reports.render_docx import render_docx
from tracker.reports.render_html import render_document
from tracker.reports.render_pdf import render_pdf

MADE_AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture
def long_plan(plan: Plan, db_session) -> Plan:  # noqa: ANN001
    """Enough actions under one recommendation that its appendix table runs over a page break."""
    recommendation = plan.actions["red"].recommendation
    for number in range(3, 30):
        ActionFactory(
            recommendation=recommendation,
            reference=f"1.{number}",
            owner=plan.owner,
            created_at=datetime(2026, 10, 1, tzinfo=UTC),
            success_criteria="Audits of case files show plans that are specific, measurable and reviewed on time.",
        )
    db_session.commit()
    return plan


@pytest.fixture
def report(long_plan: Plan, db_session) -> ProgressReport:  # noqa: ANN001
    report = ProgressReport(
        inspection=long_plan.inspection,
        committee="Cabinet",
        meets_on=date(2026, 12, 7),
        as_at=AS_AT,
        title="JAR action plan: progress report",
        report_of="the Director of Children's Services",
        purpose="To report progress.",
        summary="Mostly on track.",
        # The committee paper's own parts: subheadings, the decision box, every optional section, a further
        # appendix with a table (issue 14).
        report_body="## Background\n\nThe review took place in 2008.",
        financial_implications="## Costs\n\nNo additional costs arise.",
        decision={"key_decision": False, "reason": "", "forward_plan": None, "decision_by": "executive"},
        optional_sections=["grades", "recommendations", "deadlines"],
        appendices=[{"title": "Costs", "kind": "table", "content": "Theme\t2008/09\nEarly Years\t413\nTotal\t413"}],
    )
    db_session.add(report)
    db_session.commit()
    return report


def test_the_report_pdf_is_tagged_in_british_english_with_its_title_shown(report: ProgressReport, tmp_path) -> None:  # noqa: ANN001
    model = services.model_for(report)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(model))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(model.title)}", info, re.M)
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert bool(pdf.Root.MarkInfo.Marked)
        metadata = dict(pdf.open_metadata())
    assert metadata["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"  # declares PDF/UA-1
    assert metadata["{http://purl.org/dc/elements/1.1/}title"].startswith(model.title)


@pytest.mark.parametrize("draft", [False, True], ids=["issued", "draft"])
def test_every_text_run_is_tagged_or_an_artefact(report: ProgressReport, draft: bool) -> None:
    with pikepdf.open(io.BytesIO(render_pdf(services.model_for(report), draft=draft))) as pdf:
        tree = _structure(pdf)
        runs = list(_content(pdf))
        pages = len(pdf.pages)
    assert runs
    assert [run for run in runs if run[3]] == [], "text outside any marked content"
    stray = [(page, mcid) for page, mcid, tag, _, _ in runs if tag != "/Artifact" and (page, mcid) not in tree.reached]
    assert stray == [], "marked text that no structure element reaches"
    # The running header and footer ("Page 2 of 9") are pagination artefacts on every page.
    assert {page for page, _mcid, tag, _, _ in runs if tag == "/Artifact"} == set(range(pages))
    # A draft's watermark (120pt) is on every page, and always an artefact: never read out as part of the report.
    watermark = [(page, tag) for page, _mcid, tag, _, size in runs if size > 100]
    assert {page for page, _ in watermark} == (set(range(pages)) if draft else set())
    assert {tag for _, tag in watermark} <= {"/Artifact"}
    if draft:
        with pikepdf.open(io.BytesIO(render_pdf(services.model_for(report), draft=True))) as pdf:
            subtypes = {str(kind.get("/Subtype")) for kind in _artefact_kinds(pdf, min_size=100)}
        assert subtypes == {"/Watermark"}


def _artefact_kinds(pdf: pikepdf.Pdf, min_size: float) -> Iterator[pikepdf.Dictionary]:
    """The artefact properties around each run of text set at `min_size` or larger."""
    for page in pdf.pages:
        stack: list[pikepdf.Dictionary | None] = []
        size = 0.0
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BDC":
                stack.append(operands[1] if str(operands[0]) == "/Artifact" else None)
            elif name == "BMC":
                stack.append(None)
            elif name == "EMC":
                stack.pop()
            elif name == "Tf":
                size = float(operands[1])
            elif name in TEXT_OPERATORS and size >= min_size:
                yield next(kind for kind in reversed(stack) if kind is not None)


def test_headings_go_down_one_level_at_a_time(report: ProgressReport) -> None:
    with pikepdf.open(io.BytesIO(render_pdf(services.model_for(report)))) as pdf:
        levels = [int(_tag(e)[2]) for e in _structure(pdf).elements if re.fullmatch(r"/H[1-6]", _tag(e))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert {2, 3, 4} <= set(levels)


@pytest.mark.parametrize("draft", [False, True], ids=["issued", "draft"])
def test_tables_have_scoped_header_cells_and_a_repeated_header_is_not_tagged_twice(
    report: ProgressReport, draft: bool
) -> None:
    model = services.model_for(report)
    html = render_document(model, draft=draft)
    with pikepdf.open(io.BytesIO(render_pdf(model, draft=draft))) as pdf:
        elements = _structure(pdf).elements
    tables = [e for e in elements if _tag(e) == "/Table"]
    header_cells = [e for e in elements if _tag(e) == "/TH"]
    # The appendix table ran over a page break: WeasyPrint tags each page's part as a table...
    assert len(tables) > html.count("<table")
    # ...but the header row repeated on the later page is an artefact, so there are as many header cells as in the
    # document, each saying what it heads.
    assert len(header_cells) == len(re.findall(r"<th[ >]", html))
    assert {str(cell.A.Scope) for cell in header_cells} == {"/Column", "/Row"}
    column_headers = sum(1 for cell in header_cells if str(cell.A.Scope) == "/Column")
    assert column_headers == html.count('<th scope="col"')
    # Every data cell in a table with a header row names its header cells, and they exist.
    ids = {str(cell.ID) for cell in header_cells if "/ID" in cell}
    for cell in (e for e in elements if _tag(e) == "/TD" and "/A" in e and "/Headers" in e.A):
        assert {str(key) for key in cell.A.Headers} <= ids


def test_the_chart_is_a_figure_whose_alternative_text_states_the_figures(report: ProgressReport) -> None:
    model = services.model_for(report)
    with pikepdf.open(io.BytesIO(render_pdf(model))) as pdf:
        figures = [e for e in _structure(pdf).elements if _tag(e) == "/Figure"]
    assert figures
    for figure in figures:
        alt = str(figure.Alt)
        assert alt.startswith("Actions by RAG rating and timescale.")
        total = model.figures.total
        assert f"{total} actions" in alt or any(f"{row.total} actions" in alt for row in model.figures.by_timescale)
        assert re.search(r"\d+ Red", alt)


def _docx_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")}


def test_the_word_file_is_british_english_with_the_council_s_properties(report: ProgressReport) -> None:
    model = services.model_for(report)
    parts = _docx_parts(render_docx(model, made_at=MADE_AT))
    languages = set(re.findall(r'<w:lang [^>]*w:val="([^"]+)"', parts["word/styles.xml"]))
    assert languages == {"en-GB"}
    assert "en-US" not in parts["word/styles.xml"] and "en-US" not in parts["word/settings.xml"]
    core = parts["docProps/core.xml"]
    assert f"<dc:title>{model.title}</dc:title>" in core
    assert f"<dc:creator>{model.council}</dc:creator>" in core
    assert f"<cp:lastModifiedBy>{model.council}</cp:lastModifiedBy>" in core
    assert "<dc:language>en-GB</dc:language>" in core
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-25T09:30:00Z</dcterms:created>' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-25T09:30:00Z</dcterms:modified>' in core
    assert "python-docx" not in core and "2013" not in core
    assert "Cabinet, 7 December 2026" in re.search(r"<dc:subject>(.*?)</dc:subject>", core).group(1)


def test_the_word_chart_has_alternative_text_tables_mark_header_rows_and_no_empty_paragraphs(
    report: ProgressReport,
) -> None:
    body = _docx_parts(render_docx(services.model_for(report), made_at=MADE_AT))["word/document.xml"]
    descriptions = re.findall(r'<wp:docPr [^>]*descr="([^"]+)"', body)
    assert descriptions and all(re.search(r"\d+ Red", text) for text in descriptions)
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S)
    with_header = [t for t in tables if "<w:tblHeader" in t]
    assert len(with_header) >= len(tables) - 2  # the front page's two-column detail tables have no header row
    for table in with_header:
        first_row = re.search(r"<w:tr[ >].*?</w:tr>", table, re.S).group(0)
        assert '<w:tblHeader w:val="true"/>' in first_row
    top_level = re.sub(r"<w:tbl>.*?</w:tbl>", "", body, flags=re.S)
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>|<w:p/>", top_level, re.S)
    empty = [p for p in paragraphs if "<w:t" not in p and "<w:sectPr" not in p and "<w:drawing" not in p]
    assert empty == []
