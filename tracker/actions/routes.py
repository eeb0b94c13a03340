"""The action plan: building it, its lifecycle, my actions, progress updates, history and spreadsheets."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from tracker import clock, security_log
from tracker.actions import exports, pages, services, spreadsheets
from tracker.actions.forms import (
    ActionForm,
    BulkAssignForm,
    ConfirmImportForm,
    DecisionForm,
    DeleteActionForm,
    ImportPlanForm,
    MoveActionForm,
    PlanStatusForm,
    ProgressForm,
)
from tracker.domain.plan_lifecycle import PLAN_STATUS_LABELS, next_statuses
from tracker.domain.progress import NARRATIVE_LIMIT, REASON_LIMIT
from tracker.domain.rag import STATUSES
from tracker.extensions import db
from tracker.models import Action, ActionStatus, Inspection, PlanStatus, Rag, Recommendation, Timescale
from tracker.numbers import page_number
from tracker.permissions import require_manage_inspection, signed_in
from tracker.template_filters import format_date, to_local

bp = Blueprint("actions", __name__)


@bp.app_context_processor
def action_helpers() -> dict[str, object]:
    return {
        "manages_inspection": services.manages,
        "plan_status_labels": PLAN_STATUS_LABELS,
        "select_items": select_items,
        "choice_items": choice_items,
        "select_options": select_options,
    }


def select_items(first: str | None, values: list, texts: list, selected: object) -> list[dict[str, object]]:
    """govukSelect items from parallel lists of values and texts, `first` (if any) meaning "no filter"."""
    items: list[dict[str, object]] = [{"value": "", "text": first}] if first is not None else []
    for value, text in zip(values, texts, strict=True):
        items.append({"value": value, "text": text, "selected": str(value) == str(selected)})
    return items


_HTML_SPECIAL = frozenset("&<>\"'")


def _escape(text: str) -> str:
    """html.escape, skipped for the usual name or number with nothing to escape."""
    return text if _HTML_SPECIAL.isdisjoint(text) else html.escape(text)


def select_options(first: str | None, rows: Iterable[tuple[object, str] | str], selected: object) -> Markup:
    """The <option> tags govukSelect would write for `rows` ((value, text) pairs, or texts that are their own
    values), `first` (if any) meaning "no filter". Built in Python: a select with an option per person through
    the govukSelect macro cost more than the rest of the page."""
    chosen = str(selected)
    options = [] if first is None else [f'<option value="">{_escape(first)}</option>']
    for row in rows:
        value, text = (row, row) if isinstance(row, str) else row
        value = str(value)
        mark = " selected" if value == chosen else ""
        # An id (the usual value) is digits: nothing to escape.
        attribute = value if value.isdigit() else _escape(value)
        options.append(f'<option value="{attribute}"{mark}>{_escape(text)}</option>')
    # Every value and text is escaped above.
    return Markup("\n".join(options))  # nosec B704


def choice_items(first: str | None, choices: object, selected: object) -> list[dict[str, object]]:
    pairs = list(choices.items()) if isinstance(choices, dict) else list(choices)
    return select_items(first, [value for value, _ in pairs], [text for _, text in pairs], selected)


@bp.app_template_filter("time_of_day")
def time_of_day(value: datetime) -> str:
    """10:42 for a time today, 10:42 on 23 November 2026 otherwise (local time)."""
    local = to_local(value, current_app.config["TRACKER_TIMEZONE"])
    return f"{local:%H:%M}" if local.date() == clock.today() else f"{local:%H:%M} on {format_date(local)}"


# Lists -------------------------------------------------------------------------------------------


@bp.get("/my-actions")
@signed_in
def my_actions() -> ResponseReturnValue:
    filters = pages.MyActionsFilters.from_args(request.args)
    page = pages.build_my_actions(
        current_user, clock.today(), filters, due_soon_working_days=current_app.config["DUE_SOON_WORKING_DAYS"]
    )
    return render_template("actions/my_actions.html", page=page, my_status_choices=pages.MY_STATUS_CHOICES)


@bp.get("/actions")
@signed_in
def list_actions() -> ResponseReturnValue:
    filters = pages.ActionFilters.from_args(request.args)
    page = pages.build_action_list(filters, clock.today())
    return render_template(
        "actions/list_actions.html",
        page=page,
        sorts=pages.SORTS,
        sort_choices=pages.SORTS,
        rag_choices=[*((rag.value, rag.label) for rag in Rag), ("none", "Not rated")],
        status_choices=pages.STATUS_FILTER_CHOICES[1:],
        timescale_choices=[(timescale.value, timescale.label) for timescale in Timescale],
    )


@bp.get("/actions/download/<any(xlsx, csv):file_format>")
@signed_in
def download_actions(file_format: str) -> ResponseReturnValue:
    """All actions as a spreadsheet, with the page's filters and order: sent as it is written (exports.py)."""
    filters = pages.ActionFilters.from_args(request.args)
    today = clock.today()
    headers = {"Content-Disposition": f'attachment; filename="actions-{today.isoformat()}.{file_format}"'}
    if file_format == "csv":
        chunks, mimetype = exports.csv_chunks(filters, today), "text/csv; charset=utf-8"
    else:
        chunks, mimetype = (
            exports.xlsx_chunks(filters, today, f"Actions at {format_date(today)}"),
            spreadsheets.XLSX_MIMETYPE,
        )
    return Response(stream_with_context(chunks), mimetype=mimetype, headers=headers)


# One action --------------------------------------------------------------------------------------


@bp.get("/actions/<int:action_id>")
@signed_in
def view_action(action_id: int) -> ResponseReturnValue:
    action = services.get_action_or_404(action_id)
    page = pages.build_action_page(action, clock.today())
    return render_template(
        "actions/view_action.html",
        page=page,
        can_update=services.can_update_progress(current_user, action),
        decision_form=DecisionForm(),
        new_decision_form=DecisionForm,
        deciding=None,
    )


def _progress_form(action: Action) -> ProgressForm:
    form = ProgressForm()
    today = clock.today()
    form.suggest = lambda status: services.suggested_rag(action, status, today)
    form.current_due_on = action.due_on
    form.published_on = action.inspection.published_on
    form.today = today
    return form


def _render_progress(
    action: Action, form: ProgressForm, status: int = 200, conflict: list | None = None
) -> ResponseReturnValue:
    today = clock.today()
    suggestions = {value: Rag(services.suggested_rag(action, value, today)) for value in STATUSES}
    current_status = form.status.data if form.status.data in STATUSES else action.status.value
    return (
        render_template(
            "actions/progress_form.html",
            action=action,
            form=form,
            suggested=suggestions[current_status],
            suggestions=suggestions,
            working_days_to_due=pages.working_days_to_due(action, today),
            conflict=conflict,
            narrative_limit=NARRATIVE_LIMIT,
            reason_limit=REASON_LIMIT,
        ),
        status,
    )


@bp.route("/actions/<int:action_id>/progress", methods=["GET", "POST"])
@signed_in
def record_progress(action_id: int) -> ResponseReturnValue:
    action = services.get_action_or_404(action_id)
    services.require_update_progress(current_user, action)
    if action.archived_at is not None:
        flash("This action has been archived: progress can no longer be recorded", "error")
        return redirect(url_for("actions.view_action", action_id=action.id))
    form = _progress_form(action)
    if not form.is_submitted():
        form.status.data = action.status.value
        form.rag.data = services.suggested_rag(action, action.status.value, clock.today())
        form.version.data = str(action.version)
        form.seen.data = pages.seen_marks(action.id)
        return _render_progress(action, form)
    if not form.validate_on_submit():
        return _render_progress(action, form, 400)
    try:
        services.record_progress(action, current_user, form.progress_data())
    except services.ActionConflict:
        return _progress_conflict(action_id, form)
    db.session.commit()
    flash(f"Progress recorded for {action.reference} {action.title}")
    return redirect(url_for("actions.view_action", action_id=action.id))


def _progress_conflict(action_id: int, form: ProgressForm) -> ResponseReturnValue:
    db.session.rollback()
    action = services.get_action_or_404(action_id)
    newer = pages.newer_progress(action_id, form.seen.data)
    if newer and pages.is_repeat_of(newer[-1], current_user, form.progress_data()):
        # The same update sent twice (a double-click): the first one was saved, so say so once.
        flash(f"Progress recorded for {action.reference} {action.title}")
        return redirect(url_for("actions.view_action", action_id=action.id))
    changes = pages.changes_since(action_id, form.seen.data)
    form.version.data = str(action.version)
    form.seen.data = pages.seen_marks(action_id)
    return _render_progress(action, _with_context(form, action), 409, conflict=changes)


def _with_context(form: ProgressForm, action: Action) -> ProgressForm:
    today = clock.today()
    form.suggest = lambda status: services.suggested_rag(action, status, today)
    form.current_due_on = action.due_on
    return form


@bp.post("/actions/<int:action_id>/due-date-requests/<int:update_id>")
@signed_in
def decide_due_date(action_id: int, update_id: int) -> ResponseReturnValue:
    action = services.get_action_or_404(action_id)
    require_manage_inspection(current_user, action.inspection)
    update = services.get_progress_update_or_404(action, update_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        page = pages.build_action_page(action, clock.today())
        return render_template(
            "actions/view_action.html",
            page=page,
            can_update=True,
            decision_form=form,
            new_decision_form=DecisionForm,
            deciding=update.id,
            form=form,
        ), 400
    try:
        services.decide_due_date_request(
            update, approve=form.decision.data == "approve", actor=current_user, note=form.note.data or ""
        )
    except ValueError:
        flash("This request has already been decided", "error")
        return redirect(url_for("actions.view_action", action_id=action.id))
    except services.ActionConflict:
        db.session.rollback()
        flash("The action changed while you were deciding: look at it again and decide", "error")
        return redirect(url_for("actions.view_action", action_id=action_id))
    db.session.commit()
    if form.decision.data == "approve":
        flash(f"Revised due date approved: {action.reference} is now due {format_date(action.due_on)}")
    else:
        flash(f"Revised due date declined: {action.reference} is still due {format_date(action.due_on)}")
    return redirect(url_for("actions.view_action", action_id=action.id))


# Building the plan -------------------------------------------------------------------------------


def _action_form(recommendation: Recommendation, action: Action | None = None) -> ActionForm:
    form = ActionForm()
    form.set_owner_choices(services.owner_choices(action.owner if action else None))
    form.published_on = recommendation.inspection.published_on
    return form


def _render_action_form(
    form: ActionForm,
    recommendation: Recommendation,
    action: Action | None,
    status: int = 200,
    conflict: list | None = None,
    adopted: list[str] | None = None,
) -> ResponseReturnValue:
    deadline = services.action_plan_deadline(recommendation.inspection_id)
    return (
        render_template(
            "actions/action_form.html",
            form=form,
            recommendation=recommendation,
            inspection=recommendation.inspection,
            action=action,
            default_due_on=services.default_due_for(recommendation, deadline),
            conflict=conflict,
            adopted=adopted or [],
        ),
        status,
    )


def _flash_saved(prefix: str, action: Action, recommendation: Recommendation) -> None:
    """Say it was saved and, as a warning that did not stop the save, anything odd about the due date.

    One message, not two: the layout gives every banner the same heading id.
    """
    deadline = services.action_plan_deadline(recommendation.inspection_id)
    warnings = services.due_date_warnings(recommendation, action.due_on, deadline)
    message = f"{prefix} {action.reference} {action.title}"
    if warnings:
        flash(f"{message}. Check the due date: {'. '.join(warning.message for warning in warnings)}", "error")
    else:
        flash(message)


@bp.route("/recommendations/<int:recommendation_id>/actions/new", methods=["GET", "POST"])
@signed_in
def add_action(recommendation_id: int) -> ResponseReturnValue:
    recommendation = services.get_recommendation_or_404(recommendation_id)
    require_manage_inspection(current_user, recommendation.inspection)
    form = _action_form(recommendation)
    if not form.is_submitted():
        deadline = services.action_plan_deadline(recommendation.inspection_id)
        form.reference.data = services.suggested_reference(recommendation)
        form.due_on.data = services.default_due_for(recommendation, deadline)
        form.owner_id.data = 0
        return _render_action_form(form, recommendation, None)
    repeat = services.same_action(recommendation.id, form.reference.data or "", form.title.data or "")
    if repeat is not None:
        # The same action sent twice (a double-click): it was added the first time.
        flash(f"Action added: {repeat.reference} {repeat.title}")
        return redirect(url_for("actions.view_plan", inspection_id=recommendation.inspection_id))
    form.references_in_use = frozenset(services.references_in_use(recommendation.id))
    if not form.validate_on_submit():
        return _render_action_form(form, recommendation, None, 400)
    action = services.create_action(recommendation, form.fields_to_save(), actor=current_user)
    db.session.commit()
    _flash_saved("Action added:", action, recommendation)
    return redirect(
        url_for(
            "actions.view_plan",
            inspection_id=recommendation.inspection_id,
            _anchor=f"recommendation-{recommendation.id}",
        )
    )


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_action(action_id: int) -> ResponseReturnValue:
    action = services.get_action_or_404(action_id)
    require_manage_inspection(current_user, action.inspection)
    recommendation = action.recommendation
    form = _action_form(recommendation, action)
    form.revised_from = action.due_on
    form.asks_reason = services.plan_is_agreed(action.inspection)
    if not form.is_submitted():
        form.process(obj=action)
        form.owner_id.data = action.owner_id or 0
        form.version.data = str(action.version)
        form.seen.data = pages.seen_marks(action.id)
        return _render_action_form(form, recommendation, action)
    form.references_in_use = frozenset(services.references_in_use(recommendation.id, except_action_id=action.id))
    if not form.validate_on_submit():
        return _render_action_form(form, recommendation, action, 400)
    try:
        changed = services.update_action(
            action,
            form.fields_to_save(),
            actor=current_user,
            expected_version=form.expected_version,
            due_on_reason=form.due_on_reason.data or "",
        )
    except services.ActionConflict:
        return _edit_conflict(action_id, form)
    db.session.commit()
    if not changed:
        flash("Nothing was changed")
    else:
        _flash_saved("Action saved:", action, recommendation)
    return redirect(url_for("actions.view_action", action_id=action.id))


def _edit_conflict(action_id: int, form: ActionForm) -> ResponseReturnValue:
    db.session.rollback()
    action = services.get_action_or_404(action_id)
    form.set_owner_choices(services.owner_choices(action.owner))
    if not services.pending_changes(action, form.fields_to_save()):
        # The action already says what was submitted (a double-click, or the same edit twice).
        flash(f"Action saved: {action.reference} {action.title}")
        return redirect(url_for("actions.view_action", action_id=action.id))
    changes = pages.changes_since(action_id, form.seen.data)
    adopted = form.adopt_unedited(action, pages.values_before(action_id, form.seen.data))
    form.version.data = str(action.version)
    form.seen.data = pages.seen_marks(action_id)
    return _render_action_form(form, action.recommendation, action, 409, conflict=changes, adopted=adopted)


@bp.route("/actions/<int:action_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_action(action_id: int) -> ResponseReturnValue:
    action = services.get_action_or_404(action_id)
    require_manage_inspection(current_user, action.inspection)
    form = DeleteActionForm()
    has_progress = services.has_progress(action)
    if not form.validate_on_submit():
        return render_template("actions/delete_action.html", action=action, form=form, has_progress=has_progress)
    inspection_id, label = action.inspection_id, f"{action.reference} {action.title}"
    outcome = services.delete_action(action, actor=current_user)
    db.session.commit()
    if outcome == "archived":
        flash(f"Action archived: {label}. Its progress history is kept")
    else:
        flash(f"Action deleted: {label}")
    return redirect(url_for("actions.view_plan", inspection_id=inspection_id))


@bp.post("/actions/<int:action_id>/move")
@signed_in
def move_action(action_id: int) -> ResponseReturnValue:
    action = services.get_action_or_404(action_id)
    require_manage_inspection(current_user, action.inspection)
    form = MoveActionForm()
    if not form.validate_on_submit():
        abort(400)
    if form.position.data == action.position and services.move_action(action, form.direction.data, actor=current_user):
        db.session.commit()
        flash(f"Moved {action.reference} {form.direction.data}")
    return redirect(
        url_for(
            "actions.view_plan",
            inspection_id=action.inspection_id,
            _anchor=f"recommendation-{action.recommendation_id}",
        )
    )


# The plan ----------------------------------------------------------------------------------------


@bp.get("/inspections/<int:inspection_id>/plan")
@signed_in
def view_plan(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    page = pages.build_plan(inspection, page_number(request.args.get("page")))
    return render_template("actions/plan.html", page=page, move_form=MoveActionForm())


@bp.get("/inspections/<int:inspection_id>/plan/print")
@signed_in
def print_plan(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    page = pages.build_plan(inspection, 1, all_pages=True)
    return render_template("actions/print_plan.html", page=page)


@bp.route("/inspections/<int:inspection_id>/plan/status", methods=["GET", "POST"])
@signed_in
def change_plan_status(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    require_manage_inspection(current_user, inspection)
    form = PlanStatusForm()
    form.set_choices(inspection.plan_status.value, next_statuses(inspection.plan_status.value))
    form.report_published_on = inspection.published_on
    form.today = clock.today()
    form.asks_for_date = inspection.plan_status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION)
    unactioned = services.recommendations_without_actions(inspection.id)
    form.unactioned = unactioned.numbers
    deadline = services.action_plan_deadline(inspection.id)
    if form.is_submitted() and form.status.data == inspection.plan_status.value:
        # Sent twice (a double-click): the first one made the change.
        flash(f"The action plan is now {PLAN_STATUS_LABELS[inspection.plan_status.value].lower()}")
        return redirect(url_for("actions.view_plan", inspection_id=inspection.id))
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        page = render_template(
            "actions/plan_status.html", form=form, inspection=inspection, deadline=deadline, unactioned=unactioned
        )
        return page, status
    new_status = PlanStatus(form.status.data)
    outcome = services.change_plan_status(
        inspection, new_status, actor=current_user, published_on=form.published_on.data
    )
    db.session.commit()
    message = f"The action plan is now {PLAN_STATUS_LABELS[new_status.value].lower()}"
    if outcome is not None:
        message += f". Statutory deadline ({format_date(deadline.due_on)}): {outcome.label.lower()}"
    flash(message)
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))


@bp.route("/inspections/<int:inspection_id>/plan/assign", methods=["GET", "POST"])
@signed_in
def bulk_assign(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    require_manage_inspection(current_user, inspection)
    page = pages.build_plan(inspection, 1, all_pages=True)
    action_ids = [item.action.id for section in page.recommendations for item in section.actions]
    form = BulkAssignForm()
    form.set_choices(services.owner_choices(), action_ids)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("actions/bulk_assign.html", form=form, page=page, inspection=inspection), status
    assigned = services.bulk_assign(
        inspection, form.action_ids.data, form.owner, actor=current_user, lead_agency=form.lead_agency.data or ""
    )
    db.session.commit()
    flash(_assigned_message(form.owner.name, assigned))
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))


def _assigned_message(name: str, assigned: services.Assigned) -> str:
    already, newly = assigned.already_owned, assigned.newly_owned
    if not newly:
        return f"{name} already owns {'the selected action' if already == 1 else f'all {already} selected actions'}"
    message = f"{name} now owns {newly} more action{'' if newly == 1 else 's'}"
    if already:
        message += f" ({already} of those selected {'was' if already == 1 else 'were'} already theirs)"
    return message


@bp.get("/inspections/<int:inspection_id>/dashboard")
@signed_in
def view_dashboard(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    page = pages.build_dashboard(inspection, clock.today())
    return render_template("actions/dashboard.html", page=page, status_complete=ActionStatus.COMPLETE)


# Spreadsheets ------------------------------------------------------------------------------------


@bp.get("/inspections/<int:inspection_id>/plan/download/<any(xlsx, csv):file_format>")
@signed_in
def download_plan(inspection_id: int, file_format: str) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    name = f"action-plan-{inspection.id}.{file_format}"
    if file_format == "xlsx":
        body, mimetype = spreadsheets.export_xlsx(inspection), spreadsheets.XLSX_MIMETYPE
    else:
        body, mimetype = spreadsheets.export_csv(inspection), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _render_import(inspection: Inspection, form: ImportPlanForm, status: int = 200) -> ResponseReturnValue:
    return render_template("actions/import_plan.html", form=form, inspection=inspection), status


@bp.route("/inspections/<int:inspection_id>/plan/import", methods=["GET", "POST"])
@signed_in
def import_plan(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    require_manage_inspection(current_user, inspection)
    form = ImportPlanForm()
    if not form.validate_on_submit():
        return _render_import(inspection, form, 400 if form.is_submitted() else 200)
    upload = form.spreadsheet.data
    try:
        raw_rows = spreadsheets.read_upload(upload.filename, upload.read(spreadsheets.MAX_UPLOAD_BYTES + 1))
    except spreadsheets.UnreadableSpreadsheet as problem:
        form.spreadsheet.errors = [str(problem)]
        return _render_import(inspection, form, 400)
    rows = spreadsheets.check_plan_rows(inspection, raw_rows)
    confirm = ConfirmImportForm(formdata=None)
    confirm.rows.data = spreadsheets.rows_to_json(raw_rows)
    confirm.filename.data = upload.filename
    confirm.import_token.data = services.new_import_token(inspection, current_user)
    db.session.commit()
    return render_template(
        "actions/import_preview.html", inspection=inspection, rows=rows, confirm=confirm, filename=upload.filename
    )


def _already_imported(inspection: Inspection, token: str) -> ResponseReturnValue:
    """The answer to a confirm whose preview token is spent (a double click, the form sent again) or unknown."""
    earlier = services.earlier_import(inspection, token)
    if earlier is None:
        flash("The preview could not be read back: upload the spreadsheet again", "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    who = earlier.actor.name if earlier.actor else "someone"
    flash(
        f"This preview was already imported by {who} at {time_of_day(earlier.occurred_at)}: "
        f"{earlier.new_value}. Nothing was imported again"
    )
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))


@bp.post("/inspections/<int:inspection_id>/plan/import/confirm")
@signed_in
def confirm_import(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    require_manage_inspection(current_user, inspection)
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        abort(400)
    try:
        raw_rows = spreadsheets.rows_from_json(confirm.rows.data)
    except spreadsheets.UnreadableSpreadsheet as problem:
        flash(str(problem), "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    filename = confirm.filename.data or "a spreadsheet"
    token = confirm.import_token.data or ""
    if not token:
        flash("The preview could not be read back: upload the spreadsheet again", "error")
        return redirect(url_for("actions.import_plan", inspection_id=inspection.id))
    # Spent before the rows are checked, under the inspection's lock: the check sees the plan as the import will.
    if not services.spend_import_token(inspection, token):
        db.session.rollback()
        return _already_imported(inspection, token)
    rows = spreadsheets.check_plan_rows(inspection, raw_rows)
    invalid = [row for row in rows if not row.is_valid]
    if invalid and not confirm.skip_invalid.data:
        db.session.rollback()  # the token stays unspent: the person may still choose to skip the rows
        confirm.skip_invalid.errors = [
            f"{len(invalid)} row{'' if len(invalid) == 1 else 's'} {'has' if len(invalid) == 1 else 'have'} problems: "
            "fix the spreadsheet and upload it again, or choose to skip them"
        ]
        return render_template(
            "actions/import_preview.html", inspection=inspection, rows=rows, confirm=confirm, filename=filename
        ), 400
    count = services.import_rows(inspection, rows, actor=current_user, filename=filename, token=token)
    db.session.commit()
    security_log.event(
        "spreadsheet_imported", inspection_id=inspection.id, file=filename, actions=count, skipped=len(invalid)
    )
    skipped = f"; {len(invalid)} skipped" if invalid else ""
    flash(f"{count} action{'' if count == 1 else 's'} imported from {filename}{skipped}")
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))
