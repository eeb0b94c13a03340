"""Building the plan by hand: adding, editing, moving and deleting actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import loaders, transactions
from tracker.actions import conflicts
from tracker.actions.due_dates import default_due_for, due_date_warnings, timescale_deadline
from tracker.actions.forms import ActionForm, DeleteActionForm, MoveActionForm
from tracker.actions.services import editing
from tracker.actions.services.assignment import owner_choices
from tracker.actions.services.versions import ActionConflict
from tracker.domain.action_order import Direction
from tracker.models import Action, Recommendation
from tracker.notices.services import tell_new_owners
from tracker.permissions import MANAGES_ACTION, MANAGES_RECOMMENDATION, requires


def _new_action_form(recommendation: Recommendation) -> ActionForm:
    return ActionForm(
        people=owner_choices(),
        published_on=recommendation.inspection.published_on,
        references_in_use=editing.references_in_use(recommendation.id),
        revised_from=None,
        asks_reason=False,
    )


def _edit_form(action: Action) -> ActionForm:
    return ActionForm(
        people=owner_choices(action.owner),
        published_on=action.inspection.published_on,
        references_in_use=editing.references_in_use(action.recommendation_id, except_action_id=action.id),
        revised_from=action.due_on,
        asks_reason=editing.plan_is_agreed(action.inspection),
    )


def _render_action_form(
    form: ActionForm,
    recommendation: Recommendation,
    action: Action | None,
    status: int = 200,
    conflict: list | None = None,
    adopted: list[str] | None = None,
    *,
    fill_due_on: bool = False,
) -> ResponseReturnValue:
    """The add or edit form, with the hint of the due date the recommendation's timescale gives; with `fill_due_on`
    (a new action's first view) that date is the form's due date too, worked out once for both."""
    default_due_on = default_due_for(recommendation, timescale_deadline(recommendation))
    if fill_due_on:
        form.due_on.data = default_due_on
    return (
        render_template(
            "actions/action_form.html",
            form=form,
            recommendation=recommendation,
            inspection=recommendation.inspection,
            action=action,
            default_due_on=default_due_on,
            conflict=conflict,
            adopted=adopted or [],
        ),
        status,
    )


def _flash_saved(prefix: str, action: Action, recommendation: Recommendation) -> None:
    """Say it was saved and, as a warning that did not stop the save, anything odd about the due date.

    One message, not two: the layout gives every banner the same heading id.
    """
    warnings = due_date_warnings(recommendation, action.due_on, timescale_deadline(recommendation))
    message = f"{prefix} {action.reference} {action.title}"
    if warnings:
        flash(f"{message}. Check the due date: {'. '.join(warning.message for warning in warnings)}", "error")
    else:
        flash(message)


@requires(MANAGES_RECOMMENDATION)
def add_action(recommendation: Recommendation) -> ResponseReturnValue:
    form = _new_action_form(recommendation)
    if not form.is_submitted():
        form.reference.data = editing.suggested_reference(recommendation)
        form.owner_id.data = 0
        return _render_action_form(form, recommendation, None, fill_due_on=True)
    repeat = editing.same_action(recommendation.id, form.reference.data or "", form.title.data or "")
    if repeat is not None:
        # The same action sent twice (a double-click): it was added the first time.
        flash(f"Action added: {repeat.reference} {repeat.title}")
        return redirect(url_for("actions.view_plan", inspection_id=recommendation.inspection_id))
    if not form.validate_on_submit():
        return _render_action_form(form, recommendation, None, 400)
    action = editing.create_action(recommendation, form.fields_to_save(), actor=current_user)
    tell_new_owners([action], actor=current_user)
    _flash_saved("Action added:", action, recommendation)
    return redirect(
        url_for(
            "actions.view_plan",
            inspection_id=recommendation.inspection_id,
            _anchor=f"recommendation-{recommendation.id}",
        )
    )


@requires(MANAGES_ACTION)
def edit_action(action: Action) -> ResponseReturnValue:
    recommendation = action.recommendation
    form = _edit_form(action)
    if not form.is_submitted():
        form.process(obj=action)
        form.owner_id.data = action.owner_id or 0
        form.version.data = str(action.version)
        form.seen.data = conflicts.seen_marks(action.id)
        return _render_action_form(form, recommendation, action)
    if not form.validate_on_submit():
        return _render_action_form(form, recommendation, action, 400)
    action_id = action.id
    try:
        changed = editing.update_action(
            action,
            form.fields_to_save(),
            actor=current_user,
            expected_version=form.expected_version,
            due_on_reason=form.due_on_reason.data or "",
        )
    except ActionConflict:
        return _edit_conflict(action_id, form)
    if not changed:
        flash("Nothing was changed")
    else:
        _flash_saved("Action saved:", action, recommendation)
    return redirect(url_for("actions.view_action", action_id=action.id))


def _edit_conflict(action_id: int, sent: ActionForm) -> ResponseReturnValue:
    transactions.discard_changes()
    action = loaders.load_action(action_id)
    form = _edit_form(action)  # what was sent, with the owners and references as they are now
    if not editing.pending_changes(action, form.fields_to_save()):
        # The action already says what was submitted (a double-click, or the same edit twice).
        flash(f"Action saved: {action.reference} {action.title}")
        return redirect(url_for("actions.view_action", action_id=action.id))
    changes = conflicts.changes_since(action_id, sent.seen.data or "")
    adopted = form.adopt_unedited(action, conflicts.values_before(action_id, sent.seen.data or ""))
    form.version.data = str(action.version)
    form.seen.data = conflicts.seen_marks(action_id)
    return _render_action_form(form, action.recommendation, action, 409, conflict=changes, adopted=adopted)


@requires(MANAGES_ACTION)
def delete_action(action: Action) -> ResponseReturnValue:
    form = DeleteActionForm()
    has_progress = editing.has_progress(action)
    if not form.validate_on_submit():
        return render_template("actions/delete_action.html", action=action, form=form, has_progress=has_progress)
    inspection_id, label = action.inspection_id, f"{action.reference} {action.title}"
    outcome = editing.delete_action(action, actor=current_user)
    if outcome == "archived":
        flash(f"Action archived: {label}. Its progress history is kept")
    else:
        flash(f"Action deleted: {label}")
    return redirect(url_for("actions.view_plan", inspection_id=inspection_id))


@requires(MANAGES_ACTION)
def move_action(action: Action) -> ResponseReturnValue:
    form = MoveActionForm()
    if not form.validate_on_submit():
        abort(400)
    direction: Direction = "up" if form.direction.data == "up" else "down"  # the form allows only these two
    if form.position.data == action.position and editing.move_action(action, direction, actor=current_user):
        flash(f"Moved {action.reference} {form.direction.data}")
    return redirect(
        url_for(
            "actions.view_plan",
            inspection_id=action.inspection_id,
            _anchor=f"recommendation-{action.recommendation_id}",
        )
    )
