"""The same report gives the same recommendations as text, PDF and Word; text files decode correctly."""

import codecs
import functools
import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import weasyprint

from tracker.domain.importer import ExtractedRecommendation, extract_text, import_document, parse_report

FIXTURES = Path(__file__).parents[1] / "fixtures"
TEXTS = sorted([*FIXTURES.glob("reports/*.txt"), *FIXTURES.glob("sections/*.txt")])
IDS = [path.stem for path in TEXTS]
# WeasyPrint has no font for the private-use bullets that Symbol/Wingdings fonts put in real PDFs and
# writes them as an undecodable glyph; real PDFs carrying them are covered by test_importer_pdfs.
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
PAGE_CSS = "@page { size: A4; margin: 2cm } body { font: 9pt sans-serif }"


def _key(recommendation: ExtractedRecommendation) -> tuple[str | None, str, str | None, str | None, str]:
    return (
        recommendation.number,
        recommendation.timescale,
        recommendation.addressee,
        recommendation.theme,
        " ".join(recommendation.text.split()),
    )


@functools.cache
def _pdf_from_pre(text: str) -> bytes:
    body = f"<pre style='white-space: pre-wrap; font: inherit'>{html.escape(PRIVATE_USE.sub('•', text))}</pre>"
    return weasyprint.HTML(string=f"<style>{PAGE_CSS}</style>{body}").write_pdf()


@functools.cache
def _pdf_from_paragraphs(text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in PRIVATE_USE.sub("•", text).split("\n"))
    return weasyprint.HTML(string=f"<style>{PAGE_CSS} p {{ margin: 0 }}</style>{paragraphs}").write_pdf()


@functools.cache
def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module", params=TEXTS, ids=IDS)
def fixture_text(request: pytest.FixtureRequest) -> tuple[str, str]:
    path: Path = request.param
    return path.stem, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("make", [_pdf_from_pre, _pdf_from_paragraphs, _docx], ids=["pdf-pre", "pdf-p", "docx"])
def test_every_format_gives_the_same_recommendations(
    fixture_text: tuple[str, str], make: Callable[[str], bytes]
) -> None:
    name, text = fixture_text
    expected = [_key(r) for r in parse_report(text).recommendations]
    suffix = ".docx" if make is _docx else ".pdf"
    assert expected
    assert [_key(r) for r in import_document(make(text), name + suffix).recommendations] == expected


def test_pdf_details_survive_the_round_trip() -> None:
    text = (FIXTURES / "reports" / "leicester-sif-2015.txt").read_text(encoding="utf-8")
    from_text, from_pdf = parse_report(text), import_document(_pdf_from_pre(text), "report.pdf")
    assert from_pdf.to_json_dict() == from_text.to_json_dict()


def test_word_lists_keep_their_bullets_and_numbers() -> None:
    document = docx.Document()
    document.add_paragraph("Recommendations")
    document.add_paragraph("For immediate action")
    document.add_paragraph("The local partnership should:")
    document.add_paragraph("reduce unauthorised absence in secondary schools", style="List Bullet")
    document.add_paragraph("improve the attendance of older looked after children.", style="List Bullet")
    document.add_paragraph("What does the local authority need to improve?")
    document.add_paragraph("Improve the quality of assessments, including:", style="List Number")
    document.add_paragraph("assessments of risk", style="List Bullet 2")
    document.add_paragraph("Ensure that supervision is regular.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    found = import_document(buffer.getvalue(), "report.docx").recommendations
    assert [(r.number, r.timescale, r.addressee) for r in found] == [
        (None, "immediate", "The local partnership"),
        (None, "immediate", "The local partnership"),
        ("1", "improvement", "local authority"),
        ("2", "improvement", "local authority"),
    ]
    assert found[2].text == "Improve the quality of assessments, including:\nassessments of risk"


def test_word_tables_are_read_in_body_order_with_cells_split_by_tabs() -> None:
    document = docx.Document()
    document.add_paragraph("Grades")
    table = document.add_table(rows=2, cols=2)
    for row, (area, grade) in enumerate([("Safeguarding", "3"), ("Capacity to improve", "4")]):
        table.cell(row, 0).text, table.cell(row, 1).text = area, grade
    document.add_paragraph("After the table")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text(buffer.getvalue(), "grades.docx").split("\n") == [
        "Grades",
        "Safeguarding\t3",
        "Capacity to improve\t4",
        "After the table",
    ]


def test_windows_1252_text_is_decoded() -> None:
    text = "Recommendations\n• Ensure the £2m budget is spent on the ‘front door’ – “now”.\n"
    assert extract_text(text.encode("cp1252"), "report.txt") == text
    assert parse_report(extract_text(text.encode("cp1252"), "report.txt")).recommendations[0].text == (
        "Ensure the £2m budget is spent on the ‘front door’ – “now”."
    )


@pytest.mark.parametrize(
    "encoded",
    [
        "Areas for improvement ‘quoted’ £5".encode(),
        codecs.BOM_UTF8 + "Areas for improvement ‘quoted’ £5".encode(),
        "Areas for improvement ‘quoted’ £5".encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16"],
)
def test_unicode_text_is_decoded(encoded: bytes) -> None:
    assert extract_text(encoded, "report.txt") == "Areas for improvement ‘quoted’ £5"


def test_a_file_without_a_name_is_read_by_its_content() -> None:
    text = (FIXTURES / "sections" / "surrey_2025_ilacs.txt").read_text(encoding="utf-8")
    assert len(import_document(text.encode(), "").recommendations) == 3
    assert len(import_document(_docx(text), "").recommendations) == 3
