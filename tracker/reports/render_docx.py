"""The report as a Word document that officers finish in Word: real headings, numbered paragraphs,
real tables whose header rows repeat on each page, the charts as pictures and the appendix landscape."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from tracker.domain.charts import Chart, alternative_text, rag_by_timescale_chart, rag_over_time_chart
from tracker.domain.formatting import format_date, format_short_date
from tracker.domain.quoting import lead_in
from tracker.domain.report import DeadlineRow, ReportModel
from tracker.domain.vocabulary import RAG_WORDS, STATUS_LABELS, rag_key
from tracker.reports.chart_png import chart_png
from tracker.reports.docx_blocks import Cell, key_paragraph, numbered, table
from tracker.reports.docx_paper import chosen_sections, decision_box, further_appendices
from tracker.reports.render_html import DRAFT, MIN_TREND_POINTS

FONT = "Arial"
LANGUAGE = "en-GB"
# Word's document properties (File > Info) hold at most 255 characters each.
PROPERTY_LIMIT = 255
KEY_TEXT = "Key to RAG: " + "; ".join(f"{word} – {meaning}" for _value, word, meaning in rag_key())


def _property(text: str) -> str:
    """`text` cut to fit a document property, with an ellipsis when cut; the document itself keeps it all."""
    return text if len(text) <= PROPERTY_LIMIT else text[: PROPERTY_LIMIT - 1].rstrip() + "…"


def _set_language(document: Document) -> None:
    """British English for the spelling checker and screen readers: the defaults, every style that names a language
    (python-docx's template says en-US) and the theme's fonts."""
    for lang in document.styles.element.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), LANGUAGE)
    for lang in document.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)
    normal = document.styles["Normal"].element.get_or_add_rPr()
    if normal.find(qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), LANGUAGE)
        normal.append(lang)


def _title(model: ReportModel, draft: bool) -> str:
    return f"{DRAFT} – {model.title}" if draft else model.title


def _set_properties(document: Document, model: ReportModel, made_at: datetime, draft: bool) -> None:
    """File > Info as the council would fill it in: not the template's 2013 dates, author and comments."""
    properties = document.core_properties
    properties.title = _property(_title(model, draft))
    properties.subject = _property(f"{model.meeting} – as at {format_date(model.as_at)}")
    properties.author = properties.last_modified_by = _property(model.council)
    properties.comments = ""
    properties.keywords = "inspection action plan; progress report"
    properties.language = LANGUAGE
    properties.created = properties.modified = made_at.replace(microsecond=0)
    properties.revision = 1


def _picture(document: Document, chart: Chart) -> None:
    """The chart as a picture whose alternative text states its figures."""
    shape = document.add_picture(BytesIO(chart_png(chart)), width=Cm(16))
    shape._inline.docPr.set("descr", alternative_text(chart))
    shape._inline.docPr.set("title", chart.title)


def _space_after_tables(document: Document) -> None:
    """Space between a table and what follows it, set on that paragraph instead of an empty paragraph."""
    body = document.element.body
    for element in body.iterchildren(qn("w:tbl")):
        following = element.getnext()
        if following is not None and following.tag == qn("w:p"):
            DocxParagraph(following, document._body).paragraph_format.space_before = Pt(12)


def _set_styles(document: Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 18), ("Heading 1", 13), ("Heading 2", 12), ("Heading 3", 11), ("Heading 4", 11)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header_and_footer(section: Section, model: ReportModel, *, draft: bool, key: bool = False) -> None:
    """The council and the meeting on every page; a draft's header says DRAFT in the middle, in bold."""
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.text = f"{model.council}\t"
    if draft:
        header.add_run(DRAFT).bold = True
    header.add_run(f"\t{model.meeting} – as at {format_date(model.as_at)}")
    header.style.font.size = Pt(8.5)
    footer = section.footer.paragraphs[0]
    footer.text = (KEY_TEXT + "\t") if key else "\t\t"
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)


def _front_page(document: Document, model: ReportModel, draft: bool) -> None:
    council = document.add_paragraph()
    run = council.add_run(model.council)
    run.bold = True
    run.font.size = Pt(20)
    rows = [["Wards affected", model.wards_affected]]
    table(document, None, rows, widths=[6, 10], size=10)
    document.add_paragraph("Forward timetable of consultation and meetings").runs[0].bold = True
    table(
        document,
        ["Committee", "Date"],
        [[row.committee, format_date(row.meets_on)] for row in model.forward_timetable],
        widths=[9, 6],
        size=10,
    )
    document.add_heading(_title(model, draft), level=0)
    if model.report_of:
        prefix = "" if model.report_of.lower().startswith("report of") else "Report of "
        document.add_paragraph(prefix + model.report_of).runs[0].bold = True
    document.add_paragraph(f"{model.meeting}. Position as at {format_date(model.as_at)}.")
    decision_box(document, model)


def _summary(document: Document, model: ReportModel) -> None:
    figures = model.figures
    document.add_heading("2. Summary", level=1)
    numbered(document, [*model.summary, model.figures_paragraph])
    key_rows = [["Actions in the plan", str(figures.total)], ["Overdue", str(figures.overdue)]]
    if figures.completed_since_previous is not None:
        key_rows.append(
            [
                f"Completed since the previous report ({format_date(model.previous_as_at)})",
                str(figures.completed_since_previous),
            ]
        )
    key_rows += [
        ["Complete in all", str(figures.completed)],
        ["Statutory deadlines met on time", str(figures.deadlines_met)],
        ["Statutory deadlines missed or met late", str(figures.deadlines_missed)],
    ]
    table(
        document,
        ["Key figure", "Number"],
        key_rows,
        widths=[11, 3],
        caption=f"Key figures as at {format_date(model.as_at)}",
    )
    key_paragraph(document)
    headers = ["Timescale", *(word for _v, word, _m in rag_key()), "Total", "Overdue"]
    rows = [
        [row.label, *(str(row.counts[v]) for v, _w, _m in rag_key()), str(row.total), str(row.overdue)]
        for row in figures.by_timescale
    ]
    rows.append(
        ["All actions", *(str(figures.by_rag[v]) for v, _w, _m in rag_key()), str(figures.total), str(figures.overdue)]
    )
    table(document, headers, rows, caption=f"Actions by RAG rating and timescale as at {format_date(model.as_at)}")
    _picture(document, rag_by_timescale_chart(figures.by_timescale))
    document.add_paragraph(
        f"Chart 1: actions by RAG rating and timescale as at {format_date(model.as_at)}. "
        "Each rating has its own pattern; the figures are in the table above."
    )


def _exceptions(document: Document, model: ReportModel) -> None:
    document.add_heading("Exceptions: what members need to see", level=2)
    numbered(document, [model.exceptions_paragraph])
    if model.red_or_overdue:
        key_paragraph(document)
        table(
            document,
            ["Ref", "Action", "Lead officer", "Due date", "Overdue", "RAG", "Latest progress"],
            [
                [
                    row.reference,
                    row.title,
                    row.lead_officer,
                    format_short_date(row.due_on, "No due date"),
                    f"{row.working_days_overdue} working days"
                    if row.working_days_overdue is not None
                    else "Not overdue",
                    RAG_WORDS[row.rag],
                    row.progress_text,
                ]
                for row in model.red_or_overdue
            ],
            rag_column=5,
            rags=[row.rag for row in model.red_or_overdue],
            size=8.5,
            caption=f"Actions rated Red or overdue as at {format_date(model.as_at)}",
        )
    else:
        document.add_paragraph("No action is rated Red or overdue.")
    if model.missed_deadlines:
        _deadline_table(document, model.missed_deadlines, "Statutory deadlines missed or met late")
    else:
        document.add_paragraph("No statutory deadline has been missed.")
    if model.revised_due_dates:
        table(
            document,
            ["Ref", "Action", "Original due date", "Revised due date", "Reason"],
            [
                [r.reference, r.title, format_short_date(r.original_due_on), format_short_date(r.due_on), r.reason]
                for r in model.revised_due_dates
            ],
            size=8.5,
            caption="Revised due dates and the reasons for them",
        )
    else:
        document.add_paragraph("No due date has been revised.")


def _deadline_table(document: Document, rows: list[DeadlineRow], caption: str) -> None:
    table(
        document,
        ["Deadline", "Due", "Met", "Position"],
        [[d.title, format_short_date(d.due_on, "Not set"), d.met_label, d.state_label] for d in rows],
        size=9,
        caption=caption,
    )


def _report_section(document: Document, model: ReportModel) -> None:
    figures = model.figures
    document.add_heading("4. Report", level=1)
    numbered(document, model.body)
    chosen_sections(document, model)
    _exceptions(document, model)
    if model.shows("deadlines"):
        document.add_heading("Statutory deadlines", level=2)
        numbered(document, [model.deadlines_paragraph])
        if model.deadlines:
            _deadline_table(document, model.deadlines, f"Statutory deadlines as at {format_date(model.as_at)}")
    document.add_heading("Change since the previous report", level=2)
    numbered(document, [model.change_paragraph])
    if figures.rag_change:
        key_paragraph(document)
        table(
            document,
            ["Rating", "Previous report", "This report", "Change"],
            [[RAG_WORDS[r.rag], str(r.previous), str(r.current), r.change_text] for r in figures.rag_change],
            rag_column=0,
            rags=[r.rag for r in figures.rag_change],
            caption=f"Actions by RAG rating: {format_date(model.previous_as_at)} and {format_date(model.as_at)}",
        )
    if len(model.trend) >= MIN_TREND_POINTS:
        _picture(document, rag_over_time_chart(model.trend))
        document.add_paragraph("Chart 2: RAG ratings at each progress report. Each rating has its own pattern.")


def _implications(document: Document, model: ReportModel) -> None:
    document.add_heading("5. Financial, legal and other implications", level=1)
    document.add_heading("5.1 Financial implications", level=2)
    numbered(document, model.financial, level=3)
    if model.financial_officer:
        document.add_paragraph(model.financial_officer).runs[0].italic = True
    document.add_heading("5.2 Legal implications", level=2)
    numbered(document, model.legal, level=3)
    if model.legal_officer:
        document.add_paragraph(model.legal_officer).runs[0].italic = True
    document.add_heading("5.3 Other implications", level=2)
    table(
        document,
        ["Other implications", "Yes/No", "Paragraph references within supporting information"],
        [[row.topic, row.answer or "Not stated", row.reference] for row in model.other_implications],
        widths=[5.5, 2, 8.5],
    )


def _closing_sections(document: Document, model: ReportModel) -> None:
    document.add_heading("6. Background papers – Local Government Act 1972", level=1)
    for paper in model.background_papers or ["None."]:
        document.add_paragraph(paper)
    document.add_heading("7. Report author", level=1)
    for author in model.report_authors:
        paragraph = document.add_paragraph()
        for index, line in enumerate(author):
            run = paragraph.add_run(line)
            if index < len(author) - 1:
                run.add_break(WD_BREAK.LINE)


def _appendix(document: Document, model: ReportModel, draft: bool) -> None:
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(14)
    _header_and_footer(section, model, draft=draft, key=True)
    document.add_heading(f"Appendix 1 – Action plan as at {format_date(model.as_at)}", level=1)
    document.add_paragraph(
        f"{model.inspection_title}. Actions grouped by timescale and recommendation; progress, status and RAG "
        f"rating as at {format_date(model.as_at)}."
    )
    key_paragraph(document)
    headers = [
        "Ref",
        "Action",
        "Lead officer and agency",
        "Due date",
        "Success criteria",
        f"Progress as at {format_short_date(model.as_at)}",
        "Status",
        "RAG",
    ]
    for group in model.appendix:
        document.add_heading(group.label, level=2)
        for block in group.recommendations:
            document.add_heading(f"Recommendation {block.number}", level=3)
            text = " ".join(part for part in (lead_in(block.addressee, block.text), block.text) if part)
            document.add_paragraph(text).runs[0].italic = True
            if not block.actions:
                document.add_paragraph("No actions recorded for this recommendation.")
                continue
            rows: list[list[Cell]] = [
                [
                    a.reference,
                    a.title,
                    [a.lead_officer or "Not assigned", a.lead_agency],
                    [
                        format_short_date(a.due_on, "None set"),
                        f"Originally {format_short_date(a.original_due_on)}" if a.original_due_on else "",
                        "Overdue" if a.overdue else "",
                    ],
                    a.success_criteria,
                    [
                        a.progress_text,
                        f"Updated {format_short_date(a.progress_on)}" if a.progress and a.progress_on else "",
                    ],
                    STATUS_LABELS[a.status],
                    RAG_WORDS[a.rag],
                ]
                for a in block.actions
            ]
            table(
                document,
                headers,
                rows,
                widths=[1.3, 4.4, 3.6, 2.3, 4.4, 6.2, 2.0, 1.6],
                rag_column=7,
                rags=[a.rag for a in block.actions],
                size=8,
            )


def render_docx(model: ReportModel, *, made_at: datetime, draft: bool = False) -> bytes:
    """The committee paper as .docx, from the same model as the HTML and PDF; `made_at` is its created and modified
    time in the document's properties. A draft says DRAFT in its title and in the header of every page."""
    document = docx.Document()
    _set_styles(document)
    _set_language(document)
    _set_properties(document, model, made_at, draft)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    _header_and_footer(section, model, draft=draft)
    _front_page(document, model, draft)
    document.add_heading("1. Purpose of report", level=1)
    numbered(document, model.purpose)
    _summary(document, model)
    document.add_heading("3. Recommendations", level=1)
    numbered(document, model.recommendations)
    _report_section(document, model)
    _implications(document, model)
    _closing_sections(document, model)
    _appendix(document, model, draft)
    further_appendices(document, model)
    _space_after_tables(document)
    output = BytesIO()
    document.save(output)
    return output.getvalue()
