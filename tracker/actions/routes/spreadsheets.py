"""The plan as a spreadsheet: downloading it, and importing actions from one (upload, preview, confirm).

The spreadsheet's reading, checking and saving (tracker.actions.spreadsheets and the plan import's services) are
imported by the views that use them, not with the app: 9–15 ms of starting gunicorn to its first page (issue 17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, security_log, transactions
from tracker.actions.forms import ConfirmImportForm, ImportPlanForm
from tracker.actions.services.editing import plan_is_agreed
from tracker.actions.services.versions import ActionConflict
from tracker.models import Inspection
from tracker.permissions import MANAGES_INSPECTION, READS_INSPECTION, requires
from tracker.template_filters import time_of_day

if TYPE_CHECKING:
    from tracker.domain.plan_rows import PlanRow
    from tracker.domain.plan_updates import RowUpdate

NOT_READ_BACK = "The preview could not be read back: upload the spreadsheet again"


@requires(READS_INSPECTION)
def download_plan(inspection: Inspection, file_format: str) -> ResponseReturnValue:
    from tracker.actions import spreadsheets

    name = f"action-plan-{inspection.id}.{file_format}"
    if file_format == "xlsx":
        body, mimetype = spreadsheets.export_xlsx(inspection), spreadsheets.XLSX_MIMETYPE
    else:
        body, mimetype = spreadsheets.export_csv(inspection), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _render_import(inspection: Inspection, form: ImportPlanForm, status: int = 200) -> ResponseReturnValue:
    return render_template("actions/import_plan.html", form=form, inspection=inspection), status


@requires(MANAGES_INSPECTION)
def import_plan(inspection: Inspection) -> ResponseReturnValue:
    from tracker.actions import spreadsheets
    from tracker.actions.services import plan_import

    form = ImportPlanForm()
    if not form.validate_on_submit():
        return _render_import(inspection, form, 400 if form.is_submitted() else 200)
    upload = form.spreadsheet.data
    try:
        raw_rows = spreadsheets.read_upload(upload.filename, upload.read(spreadsheets.MAX_UPLOAD_BYTES + 1))
    except spreadsheets.UnreadableSpreadsheet as problem:
        form.spreadsheet.errors = [str(problem)]
        return _render_import(inspection, form, 400)
    rows, updates = spreadsheets.check_plan_rows(inspection, raw_rows, clock.today())
    confirm = ConfirmImportForm(formdata=None)
    confirm.rows.data = spreadsheets.rows_to_json(raw_rows)
    confirm.filename.data = upload.filename
    confirm.import_token.data = plan_import.new_import_token(inspection, current_user)
    return _render_preview(inspection, rows, updates, confirm, upload.filename)


def _render_preview(
    inspection: Inspection,
    rows: list[PlanRow],
    updates: dict[int, RowUpdate],
    confirm: ConfirmImportForm,
    filename: str,
    status: int = 200,
) -> ResponseReturnValue:
    from tracker.actions.services import plan_updates

    return render_template(
        "actions/import_preview.html",
        inspection=inspection,
        rows=rows,
        updates=updates,
        confirm=confirm,
        filename=filename,
        plan_agreed=plan_is_agreed(inspection),
        changed_by=plan_updates.last_changes(u.action.id for u in updates.values() if u.changes and u.conflict),
    ), status


def _already_imported(inspection: Inspection, token: str) -> ResponseReturnValue:
    """The answer to a confirm whose preview token is spent (a double click, the form sent again) or unknown."""
    from tracker.actions.services import plan_import

    earlier = plan_import.earlier_import(inspection, token)
    if earlier is None:
        flash(NOT_READ_BACK, "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    who = earlier.actor.name if earlier.actor else "someone"
    flash(
        f"This preview was already imported by {who} at {time_of_day(earlier.occurred_at)}: "
        f"{earlier.new_value}. Nothing was imported again"
    )
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))


@requires(MANAGES_INSPECTION)
def confirm_import(inspection: Inspection) -> ResponseReturnValue:
    from tracker.actions import spreadsheets
    from tracker.actions.services import plan_import, plan_updates

    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        abort(400)
    try:
        raw_rows = spreadsheets.rows_from_json(confirm.rows.data or "")
    except spreadsheets.UnreadableSpreadsheet as problem:
        flash(str(problem), "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    filename = confirm.filename.data or "a spreadsheet"
    token = confirm.import_token.data or ""
    if not token:
        flash(NOT_READ_BACK, "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    # Spent before the rows are checked, under the inspection's lock: the check sees the plan as the import will.
    if not plan_import.spend_import_token(inspection, token):
        transactions.discard_changes()
        return _already_imported(inspection, token)
    rows, updates = spreadsheets.check_plan_rows(inspection, raw_rows, clock.today())
    if _refused(inspection, rows, updates, confirm):
        transactions.discard_changes()  # the token stays unspent: the person may still skip the rows or give the reason
        return _render_preview(inspection, rows, updates, confirm, filename, 400)
    try:
        outcome = plan_updates.save_import(
            inspection,
            rows,
            updates,
            chosen=confirm.chosen_conflicts(),
            actor=current_user,
            filename=filename,
            due_date_reason=confirm.due_date_reason.data or "",
            token=token,
        )
    except (plan_updates.UpdateRefused, ActionConflict) as problem:
        transactions.discard_changes()
        flash(f"Nothing was saved: {problem}. Upload the spreadsheet again", "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    security_log.event(
        "spreadsheet_imported",
        inspection_id=inspection.id,
        file=filename,
        actions=outcome.created,
        updated=outcome.updated,
        skipped=outcome.invalid,
    )
    flash(outcome.message)
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))


def _refused(
    inspection: Inspection, rows: list[PlanRow], updates: dict[int, RowUpdate], confirm: ConfirmImportForm
) -> bool:
    """Whether the confirm cannot go ahead, with why on its fields: rows with problems not chosen to be skipped,
    or new due dates on a published plan without a reason."""
    invalid = sum(1 for row in rows if not row.is_valid)
    if invalid and not confirm.skip_invalid.data:
        confirm.skip_invalid.errors = [
            f"{invalid} row{'' if invalid == 1 else 's'} {'has' if invalid == 1 else 'have'} problems: "
            "fix the spreadsheet and upload it again, or choose to skip them"
        ]
    chosen = confirm.chosen_conflicts()
    moves_dates = any(u.changes_due_date and (not u.conflict or u.action.id in chosen) for u in updates.values())
    if moves_dates and plan_is_agreed(inspection) and not (confirm.due_date_reason.data or "").strip():
        confirm.due_date_reason.errors = ["Enter the reason for changing the due dates"]
    return bool(confirm.skip_invalid.errors or confirm.due_date_reason.errors)
