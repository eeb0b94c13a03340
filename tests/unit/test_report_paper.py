"""The committee paper's own parts: the decision box, the optional sections and the further appendices, including
tables pasted from a spreadsheet (the finance table of the Leicester 2008 Cabinet paper)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tracker.domain.report import (
    AppendixText,
    Decision,
    Narrative,
    PlanHistory,
    ReportInputs,
    ReportModel,
    TableError,
    build_report,
    parse_table,
)
from tracker.domain.working_days import BANK_HOLIDAYS

# Appendix 2 of the Leicester 2008 paper as a spreadsheet copies it: tab-separated, empty cells kept as tabs.
FINANCE = (
    "TLL ACTUAL & FORECAST COSTS All figures in £000\t2007/08 Actual\t2008/09 Forecast\t2009/10 Forecast\t"
    "Total Forecast\n"
    "Themes, Project Team & Learning Services\t\t\t\t\n"
    "Early Years and Foundation Stage\t20\t413\t172\t604\n"
    "TLL Project Team\tCharged to CYPS\t440\t150\t590\n"
    "GRAND TOTAL\t469\t5,957\t1,734\t8,160\n"
)


def test_a_table_pasted_from_a_spreadsheet_keeps_its_empty_cells() -> None:
    header, rows = parse_table(FINANCE)
    assert header[0] == "TLL ACTUAL & FORECAST COSTS All figures in £000"
    assert len(header) == 5
    assert rows[0] == ["Themes, Project Team & Learning Services", "", "", "", ""]
    assert rows[-1] == ["GRAND TOTAL", "469", "5,957", "1,734", "8,160"]


def test_a_typed_table_uses_bars_and_may_frame_its_rows() -> None:
    assert parse_table("| Area | Grade |\n|Safeguarding|3|\nService management | 2") == (
        ["Area", "Grade"],
        [["Safeguarding", "3"], ["Service management", "2"]],
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Area\tGrade\nSafeguarding\t3\nLooked after children", "Row 3 has 1 cell but the header row has 2"),
        ("Area | Grade\nSafeguarding | 3 | good", "Row 2 has 3 cells but the header row has 2"),
        ("Just a sentence", "A table needs at least 2 columns"),
        ("  \n ", "Enter the table"),
    ],
)
def test_a_ragged_table_is_refused_with_the_row_that_is_wrong(text: str, message: str) -> None:
    with pytest.raises(TableError, match=message):
        parse_table(text)


def _model(narrative: Narrative, judgements: tuple[tuple[str, str], ...] = ()) -> ReportModel:
    history = PlanHistory("Leicester City Council", "JAR", date(2008, 6, 3), (), (), (), judgements)
    inputs = ReportInputs(as_at=date(2008, 8, 1), timezone="Europe/London", holidays=BANK_HOLIDAYS)
    return build_report(history, narrative, inputs)


def test_the_decision_box_prints_in_the_papers_words() -> None:
    leicester = Decision(key_decision=False, decision_by="executive")
    box = _model(Narrative("Cabinet", date(2008, 9, 1), decision=leicester)).decision
    assert (box.key_decision, box.reason, box.forward_plan, box.decision_by) == (
        "No",
        "N/A",
        "Not stated",
        "Executive (Cabinet)",
    )
    key = Decision(True, "Spending over £500,000", True, date(2008, 8, 4), "council")
    box = _model(Narrative("Council", date(2008, 9, 1), decision=key)).decision
    assert (box.key_decision, box.reason, box.forward_plan, box.decision_by) == (
        "Yes",
        "Spending over £500,000",
        "Yes, 4 August 2008",
        "Council",
    )


def test_sections_grades_and_further_appendices_survive_the_issued_snapshot() -> None:
    narrative = Narrative(
        "Cabinet",
        date(2008, 9, 1),
        sections=("deadlines", "grades"),
        appendices=(
            AppendixText("TLL actual and forecast costs", "table", FINANCE),
            AppendixText("", "text", ""),
            AppendixText("Consultation", "text", "Partners were consulted\nin July.\n\nAll agreed."),
        ),
    )
    model = _model(narrative, (("Safeguarding", "3"), ("Service management", "2")))
    assert model.sections == ["grades", "deadlines"]
    assert [(g.area, g.grade) for g in model.grades] == [("Safeguarding", "3"), ("Service management", "2")]
    assert [(a.number, a.title) for a in model.appendices] == [
        (2, "TLL actual and forecast costs"),
        (3, "Consultation"),
    ]
    assert model.appendices[0].rows[-1][-1] == "8,160"
    assert model.appendices[1].paragraphs == ["Partners were consulted in July.", "All agreed."]
    assert model.exceptions_paragraph.number == "4.1" and model.change_paragraph.number == "4.3"
    assert ReportModel.from_json(json.loads(json.dumps(model.to_json()))) == model


def test_without_the_deadlines_section_the_change_paragraph_takes_its_number() -> None:
    model = _model(Narrative("Cabinet", date(2008, 9, 1), sections=()))
    assert model.exceptions_paragraph.number == "4.1" and model.change_paragraph.number == "4.2"
    assert not model.shows("deadlines")


def test_a_report_issued_before_the_paper_parts_reads_back_as_it_printed() -> None:
    """No decision box, the statutory deadlines section only, no further appendices, no subheadings."""
    data = _model(Narrative("Cabinet", date(2008, 9, 1), summary="First.")).to_json()
    for name in ("decision", "sections", "grades", "appendices"):
        del data[name]
    for paragraph in data["summary"]:
        del paragraph["heading"]
    model = ReportModel.from_json(data)
    assert model.decision is None
    assert model.sections == ["deadlines"] and model.shows("deadlines") and not model.shows("grades")
    assert model.appendices == [] and model.grades == []
    assert model.summary[0].heading is False
