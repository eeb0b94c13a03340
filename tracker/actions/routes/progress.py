"""Recording progress on an action, signed in (the email link's page is tracker.reminders)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, loaders, transactions
from tracker.actions import conflicts
from tracker.actions.due_dates import suggested_rag
from tracker.actions.progress_forms import ProgressForm, progress_form_for, progress_page
from tracker.actions.services.progress import record_progress as save_progress
from tracker.actions.services.versions import ActionConflict
from tracker.models import Action
from tracker.permissions import UPDATES_ACTION, requires


def _render_progress(
    action: Action, form: ProgressForm, status: int = 200, conflict: list | None = None
) -> ResponseReturnValue:
    page = progress_page(action, form, clock.today(), conflict)
    return render_template("actions/progress_form.html", **page), status


@requires(UPDATES_ACTION)
def record_progress(action: Action) -> ResponseReturnValue:
    if action.archived_at is not None:
        flash("This action has been archived: progress can no longer be recorded", "error")
        return redirect(url_for("actions.view_action", action_id=action.id))
    form = progress_form_for(action, clock.today())
    if not form.is_submitted():
        form.status.data = action.status.value
        form.rag.data = suggested_rag(action, action.status.value, clock.today())
        form.version.data = str(action.version)
        form.seen.data = conflicts.seen_marks(action.id)
        return _render_progress(action, form)
    if not form.validate_on_submit():
        return _render_progress(action, form, 400)
    action_id = action.id
    try:
        save_progress(action, current_user, form.progress_data())
    except ActionConflict:
        return _progress_conflict(action_id, form)
    flash(f"Progress recorded for {action.reference} {action.title}")
    return redirect(url_for("actions.view_action", action_id=action.id))


def _progress_conflict(action_id: int, sent: ProgressForm) -> ResponseReturnValue:
    transactions.discard_changes()
    action = loaders.load_action(action_id)
    newer = conflicts.newer_progress(action_id, sent.seen.data or "")
    if newer and conflicts.is_repeat_of(newer[-1], current_user, sent.progress_data()):
        # The same update sent twice (a double-click): the first one was saved, so say so once.
        flash(f"Progress recorded for {action.reference} {action.title}")
        return redirect(url_for("actions.view_action", action_id=action.id))
    changes = conflicts.changes_since(action_id, sent.seen.data or "")
    form = progress_form_for(action, clock.today())  # what was sent, checked against the action as it is now
    form.version.data = str(action.version)
    form.seen.data = conflicts.seen_marks(action_id)
    return _render_progress(action, form, 409, conflict=changes)
