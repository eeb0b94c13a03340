"""The action plan as an .xlsx or .csv file, and reading one back in.

Both formats use the columns in tracker.domain.plan_rows, so an exported plan imports unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from tracker import sandbox
from tracker.actions.due_dates import action_plan_deadline, default_due_for
from tracker.actions.queries.shared import live_actions_with_latest_narrative
from tracker.actions.services.editing import recommendation_prefix
from tracker.actions.services.plan_import import existing_references, known_owner_emails, recommendations_by_number
from tracker.actions.services.plan_updates import existing_actions
from tracker.domain.plan_files import MAX_ROWS, MAX_UPLOAD_BYTES, UnreadableSpreadsheet
from tracker.domain.plan_rows import (
    COLUMNS,
    HEADERS,
    PlanContext,
    PlanRow,
    check_rows,
    parse_tracker_key,
    protect_from_formulas,
    tracker_key,
)
from tracker.domain.plan_updates import RowUpdate, compare_rows
from tracker.extensions import db
from tracker.models import Action, Inspection, Recommendation

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAG_FILLS = {"red": "F6D7D2", "amber": "FCD6C3", "green": "CCE2D8", "blue": "D2E2F1"}
COLUMN_WIDTHS = {
    "recommendation": 16,
    "recommendation_text": 40,
    "timescale": 22,
    "reference": 11,
    "title": 50,
    "description": 40,
    "owner_email": 30,
    "owner_name": 22,
    "lead_agency": 24,
    "start_on": 12,
    "due_on": 12,
    "success_criteria": 45,
    "status": 18,
    "rag": 9,
    "latest_progress": 60,
    "tracker_id": 14,
}
TRACKER_ID_NOTE = (
    "Tracker ID: which action the row is, and the version of it you downloaded. Leave it as it is and upload the "
    "sheet again to update the actions; leave it blank on a new row. If an action changes in the tracker after "
    "you download the sheet, the upload shows its row as a conflict."
)
DATE_KEYS = ("start_on", "due_on")
ACTION_KEYS = tuple(c.key for c in COLUMNS if c.key not in ("recommendation", "recommendation_text", "timescale"))


# Export ------------------------------------------------------------------------------------------


def plan_rows(inspection: Inspection) -> list[dict[str, Any]]:
    """The inspection's live actions in plan order as {column key: value}; dates stay dates.

    A recommendation with no live action still has a row (its action cells empty), so the sheet is the whole plan.
    """
    query = live_actions_with_latest_narrative(inspection.id).order_by(Action.position, Action.id)
    by_recommendation: dict[int, list[tuple[Action, str | None]]] = {}
    for action, narrative in db.session.execute(query):
        by_recommendation.setdefault(action.recommendation_id, []).append((action, narrative))
    recommendations = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.inspection_id == inspection.id)
        .order_by(Recommendation.position, Recommendation.id)
    )
    rows: list[dict[str, Any]] = []
    for recommendation in recommendations:
        about = {
            "recommendation": recommendation_prefix(recommendation),
            "recommendation_text": recommendation.text,
            "timescale": recommendation.timescale.label,
        }
        actions = by_recommendation.get(recommendation.id)
        if not actions:
            rows.append({**about, **dict.fromkeys(ACTION_KEYS, "")})
        for action, latest_narrative in actions or []:
            rows.append({**about, **_action_cells(action, latest_narrative)})
    return rows


def _action_cells(action: Action, narrative: str | None) -> dict[str, Any]:
    return {
        "reference": action.reference,
        "title": action.title,
        "description": action.description,
        "owner_email": action.owner.email if action.owner else "",
        "owner_name": action.owner.name if action.owner else "",
        "lead_agency": action.lead_agency,
        "start_on": action.start_on,
        "due_on": action.due_on,
        "success_criteria": action.success_criteria,
        "status": action.status.label,
        "rag": action.rag.word if action.rag else "",
        "latest_progress": narrative or "",
        "tracker_id": tracker_key(action.id, action.version),
    }


def export_xlsx(inspection: Inspection) -> bytes:
    """A formatted workbook: bold header row, frozen panes, real dates, RAG as its word on its colour."""
    # openpyxl (with lxml and Pillow, about 10 MB) is loaded by the first spreadsheet, not by every web worker.
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet (`active` is typed as possibly none)
    sheet.title = "Action plan"
    workbook.properties.title = f"{inspection.title} – action plan"
    workbook.properties.creator = inspection.authority
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E5E5E5")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(row=1, column=len(COLUMNS)).comment = Comment(TRACKER_ID_NOTE, "Inspection action tracker", 160, 320)
    for values in plan_rows(inspection):
        sheet.append([values[column.key] or None for column in COLUMNS])
        _format_row(sheet, sheet.max_row)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[column.key]
    sheet.freeze_panes = "E2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _format_row(sheet: Any, row_number: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=row_number, column=index)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.key in DATE_KEYS and cell.value is not None:
            cell.number_format = "dd/mm/yyyy"
        elif isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"  # text someone typed that starts with "=" is text, never a formula
        if column.key == "rag" and cell.value:
            fill = RAG_FILLS.get(str(cell.value).lower())
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(bold=True)


def export_csv(inspection: Inspection) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), dates as YYYY-MM-DD."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for values in plan_rows(inspection):
        writer.writerow([_csv_cell(values[column.key]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return protect_from_formulas(str(value or ""))


# Import ------------------------------------------------------------------------------------------


def read_upload(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column key: text}) for each non-blank row under the header row, read in a child process
    within the file-reading bounds (tracker.sandbox); raises UnreadableSpreadsheet with the reason to show."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableSpreadsheet(f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        rows = sandbox.read_untrusted("plan", data, filename, sandbox.limits_from(current_app.config))
    except sandbox.Refused as refusal:
        raise UnreadableSpreadsheet(str(refusal)) from None
    return [(int(line), {str(key): str(value) for key, value in cells.items()}) for line, cells in rows]


def check_plan_rows(
    inspection: Inspection, raw_rows: list[tuple[int, dict[str, str]]], today: date
) -> tuple[list[PlanRow], dict[int, RowUpdate]]:
    """Every row checked against the inspection's recommendations, the people with accounts and the plan, and
    the rows with a Tracker ID of the plan compared with their actions (by line).

    A valid new row without a due date gets the one the add-action form would give it (DESIGN §5).
    """
    keys = (parse_tracker_key(cells.get("tracker_id", "")) for _line, cells in raw_rows)
    actions = existing_actions(inspection, today, {key[0] for key in keys if key})
    emails = {cells.get("owner_email", "").strip().lower() for _line, cells in raw_rows}
    owner_emails, refused_owners = known_owner_emails({email for email in emails if email})
    recommendations = recommendations_by_number(inspection)
    context = PlanContext(
        recommendations=frozenset(recommendations),
        owner_emails=owner_emails,
        refused_owners=refused_owners,
        published_on=inspection.published_on,
        existing_references=existing_references(inspection),
        own_references={action.id: (action.recommendation, action.reference) for action in actions.values()},
    )
    rows = check_rows(raw_rows, context)
    deadline = action_plan_deadline(inspection.id)
    for row in rows:
        if row.is_valid and row.due_on is None and row.action_id is None:
            row.due_on = default_due_for(recommendations[row.recommendation], deadline)
            row.due_from_timescale = row.due_on is not None
    return rows, compare_rows(rows, actions)


def rows_to_json(raw_rows: list[tuple[int, dict[str, str]]]) -> str:
    return json.dumps([[line, cells] for line, cells in raw_rows], ensure_ascii=False)


def rows_from_json(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows a preview carried to its confirm button; checked again before anything is saved."""
    try:
        data = json.loads(text or "[]")
        rows = [(int(line), {str(key): str(value) for key, value in cells.items()}) for line, cells in data]
    except (ValueError, TypeError, AttributeError) as error:
        raise UnreadableSpreadsheet("The preview could not be read back: upload the spreadsheet again") from error
    if not rows or len(rows) > MAX_ROWS:
        raise UnreadableSpreadsheet("The preview could not be read back: upload the spreadsheet again")
    return rows
