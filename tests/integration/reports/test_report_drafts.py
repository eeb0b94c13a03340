"""A draft can never pass for the issued report: DRAFT on every page of the PDF (watermark and running header), in
the Word file's header and title, on the page and in the file names; the issued report never carries the word.
Checked by reading the downloaded files back."""

from __future__ import annotations

import io
import re

import pdfplumber
from docx import Document

from tests.conftest import sign_in, soup
from tests.integration.reports.conftest import Plan
from tests.integration.reports.test_report_pages import create_report

# The watermark is set in 120pt type; nothing else in the report comes near that size.
WATERMARK_SIZE = 100


def _filename(response) -> str:  # noqa: ANN001
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


def _pdf_pages(data: bytes) -> list[tuple[str, str]]:
    """Each page's text, and the text set in watermark-sized type."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            (page.extract_text(), "".join(c["text"] for c in page.chars if c["size"] > WATERMARK_SIZE))
            for page in pdf.pages
        ]


def _docx(data: bytes) -> tuple[str, list[str], str]:
    """The Word file's title property, each section's header text, and its body text."""
    document = Document(io.BytesIO(data))
    headers = [section.header.paragraphs[0].text for section in document.sections]
    body = "\n".join(p.text for p in document.paragraphs)
    return document.core_properties.title, headers, body


def test_a_draft_says_draft_on_every_page_in_every_format(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)

    response = client.get(f"/reports/{report.id}/download.pdf")
    assert _filename(response) == "DRAFT-cabinet-2026-12-07-progress-report-as-at-2026-11-20.pdf"
    pages = _pdf_pages(response.data)
    assert len(pages) > 1
    for number, (text, watermark) in enumerate(pages, start=1):
        assert "DRAFT" in text.splitlines()[0].split(), f"page {number}'s running header does not say DRAFT"
        assert watermark == "DRAFT", f"page {number} has no watermark"

    response = client.get(f"/reports/{report.id}/download.docx")
    assert _filename(response) == "DRAFT-cabinet-2026-12-07-progress-report-as-at-2026-11-20.docx"
    title, headers, body = _docx(response.data)
    assert title == "DRAFT – JAR action plan: progress report"
    assert len(headers) == 2  # the report, then the landscape appendix
    assert all(header.split("\t")[1] == "DRAFT" for header in headers)
    assert "DRAFT – JAR action plan: progress report" in body.splitlines()

    page = soup(client.get(f"/reports/{report.id}"))
    assert page.select_one(".app-report .app-report__draft").get_text(" ", strip=True).startswith("DRAFT")
    printed = soup(client.get(f"/reports/{report.id}/print"))
    assert printed.title.text.startswith("DRAFT – JAR action plan")
    assert printed.select_one(".app-report__watermark[aria-hidden=true]").text == "DRAFT"


def test_an_issued_report_never_carries_the_word(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    report = create_report(client, plan)
    assert client.submit(f"/reports/{report.id}/issue", {}).status_code == 302

    response = client.get(f"/reports/{report.id}/download.pdf")
    assert _filename(response) == "cabinet-2026-12-07-progress-report-as-at-2026-11-20.pdf"
    assert all("DRAFT" not in text and not watermark for text, watermark in _pdf_pages(response.data))

    response = client.get(f"/reports/{report.id}/download.docx")
    assert _filename(response) == "cabinet-2026-12-07-progress-report-as-at-2026-11-20.docx"
    title, headers, body = _docx(response.data)
    assert "DRAFT" not in title and "DRAFT" not in body
    assert all("DRAFT" not in header for header in headers)

    page = soup(client.get(f"/reports/{report.id}"))
    assert "DRAFT" not in page.select_one(".app-report").get_text(" ", strip=True)
    printed = client.get(f"/reports/{report.id}/print").get_data(as_text=True)
    assert "DRAFT" not in printed
