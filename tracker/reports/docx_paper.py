"""The committee paper's own parts in the Word document: the decision box, the optional sections the author ticked
and the further appendices (Appendix 2, 3 …)."""

from __future__ import annotations

from docx.document import Document
from docx.shared import Cm

from tracker.domain.quoting import lead_in
from tracker.domain.report import ReportModel
from tracker.reports.docx_blocks import table


def decision_box(document: Document, model: ReportModel) -> None:
    """ "Key decision: No; Reason: N/A; …" as a two-column table under the title (none on older issued reports)."""
    if model.decision is None:
        return
    decision = model.decision
    document.add_paragraph("Decision").runs[0].bold = True
    table(
        document,
        None,
        [
            ["Key decision", decision.key_decision],
            ["Reason", decision.reason],
            ["Appeared in Forward Plan", decision.forward_plan],
            ["Executive or Council decision", decision.decision_by],
        ],
        widths=[6, 10],
        size=10,
    )


def chosen_sections(document: Document, model: ReportModel) -> None:
    """The optional sections the author ticked: the inspection's grades and its recommendations by timescale."""
    if model.shows("grades"):
        document.add_heading("The inspection's grades", level=2)
        if model.grades:
            table(document, ["Area", "Grade"], [[g.area, g.grade] for g in model.grades], widths=[11, 4])
        else:
            document.add_paragraph("No grades are recorded for this inspection.")
    if model.shows("recommendations"):
        document.add_heading("The inspection's recommendations", level=2)
        for group in model.appendix:
            document.add_heading(group.label, level=3)
            for block in group.recommendations:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(1.5)
                paragraph.paragraph_format.first_line_indent = Cm(-0.8)
                paragraph.add_run(f"{block.number}\t").bold = True
                paragraph.add_run(" ".join(part for part in (lead_in(block.addressee, block.text), block.text) if part))


def further_appendices(document: Document, model: ReportModel) -> None:
    """Appendix 2, 3 …: text, or a table whose header row repeats on each page."""
    for appendix in model.appendices:
        heading = document.add_heading(f"Appendix {appendix.number} – {appendix.title}", level=1)
        heading.paragraph_format.page_break_before = True
        for text in appendix.paragraphs:
            document.add_paragraph(text)
        if appendix.header:
            table(document, appendix.header, appendix.rows, size=9)
