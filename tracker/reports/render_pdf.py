"""The report as PDF: WeasyPrint renders the print document with the report stylesheet (tracker.pdf)."""

from __future__ import annotations

from tracker.domain.report import ReportModel
from tracker.pdf.writer import write_tagged_pdf
from tracker.reports.render_html import render_document


def render_pdf(model: ReportModel, html: str | None = None, *, draft: bool = False) -> bytes:
    """A4 PDF of the report; `html` is the print document when the caller has already rendered it. A draft says
    DRAFT across every page and in the running header."""
    return write_tagged_pdf(html if html is not None else render_document(model, draft=draft))
