"""One action's page, and deciding a request for a revised due date on it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, loaders, transactions
from tracker.actions.progress_forms import DecisionForm
from tracker.actions.queries.action_page import build_action_page
from tracker.actions.services.due_date_requests import AlreadyDecided, decide_due_date_request, decision_message
from tracker.actions.services.versions import ActionConflict
from tracker.models import Action
from tracker.permissions import MANAGES_ACTION, READS_ACTION, can_update_progress, requires


@requires(READS_ACTION)
def view_action(action: Action) -> ResponseReturnValue:
    page = build_action_page(action, clock.today())
    return render_template(
        "actions/view_action.html",
        page=page,
        can_update=can_update_progress(current_user, action),
        decision_form=DecisionForm(),
        new_decision_form=DecisionForm,
        deciding=None,
    )


@requires(MANAGES_ACTION)
def decide_due_date(action: Action, update_id: int) -> ResponseReturnValue:
    action_id = action.id
    update = loaders.load_progress_update(action, update_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        page = build_action_page(action, clock.today())
        return render_template(
            "actions/view_action.html",
            page=page,
            can_update=True,
            decision_form=form,
            new_decision_form=DecisionForm,
            deciding=update.id,
            form=form,
        ), 400
    approved = form.decision.data == "approve"
    try:
        decide_due_date_request(update, approve=approved, actor=current_user, note=form.note.data or "")
    except AlreadyDecided as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("actions.view_action", action_id=action_id))
    except ActionConflict:
        transactions.discard_changes()
        flash("The action changed while you were deciding: look at it again and decide", "error")
        return redirect(url_for("actions.view_action", action_id=action_id))
    flash(decision_message(action, approved=approved))
    return redirect(url_for("actions.view_action", action_id=action.id))
