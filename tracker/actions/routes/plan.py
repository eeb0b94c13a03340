"""The plan, its printable copy, its dashboard, its status, and giving many actions one owner."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock
from tracker.actions.due_dates import action_plan_deadline
from tracker.actions.forms import BulkAssignForm, MoveActionForm, PlanStatusForm
from tracker.actions.queries.plan import build_plan, recommendations_without_actions
from tracker.actions.services.assignment import bulk_assign as assign
from tracker.actions.services.assignment import owner_choices
from tracker.actions.services.plan_status import change_plan_status as move_plan_on
from tracker.actions.services.plan_status import status_message
from tracker.domain.plan_lifecycle import next_statuses
from tracker.models import ActionStatus, Inspection, PlanStatus
from tracker.numbers import page_number
from tracker.permissions import MANAGES_INSPECTION, READS_INSPECTION, requires


@requires(READS_INSPECTION)
def view_plan(inspection: Inspection) -> ResponseReturnValue:
    page = build_plan(inspection, page_number(request.args.get("page")))
    return render_template("actions/plan.html", page=page, move_form=MoveActionForm())


@requires(READS_INSPECTION)
def print_plan(inspection: Inspection) -> ResponseReturnValue:
    page = build_plan(inspection, 1, all_pages=True)
    return render_template("actions/print_plan.html", page=page)


@requires(READS_INSPECTION)
def download_plan_pdf(inspection: Inspection) -> ResponseReturnValue:
    """The printed plan as a tagged PDF, landscape A4."""
    from tracker.pdf.writer import write_tagged_pdf  # WeasyPrint: 30 MB a worker, loaded when first needed

    page = build_plan(inspection, 1, all_pages=True)
    stylesheet = url_for("static", filename="css/plan.css")
    data = write_tagged_pdf(render_template("actions/plan_document.html", page=page, stylesheet=stylesheet))
    name = f"action-plan-{inspection.id}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@requires(READS_INSPECTION)
def view_dashboard(inspection: Inspection) -> ResponseReturnValue:
    from tracker.actions.queries.dashboard import build_dashboard  # at the first dashboard, not at start-up (issue 17)

    page = build_dashboard(inspection, clock.today())
    return render_template("actions/dashboard.html", page=page, status_complete=ActionStatus.COMPLETE)


@requires(MANAGES_INSPECTION)
def change_plan_status(inspection: Inspection) -> ResponseReturnValue:
    unactioned = recommendations_without_actions(inspection.id)
    form = PlanStatusForm(
        current_status=inspection.plan_status.value,
        next_statuses=next_statuses(inspection.plan_status.value),
        report_published_on=inspection.published_on,
        today=clock.today(),
        asks_for_date=inspection.plan_status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION),
        unactioned=unactioned.numbers,
    )
    deadline = action_plan_deadline(inspection.id)
    if form.is_submitted() and form.status.data == inspection.plan_status.value:
        # Sent twice (a double-click): the first one made the change.
        flash(status_message(inspection.plan_status, None, None))
        return redirect(url_for("actions.view_plan", inspection_id=inspection.id))
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        page = render_template(
            "actions/plan_status.html", form=form, inspection=inspection, deadline=deadline, unactioned=unactioned
        )
        return page, status
    new_status = PlanStatus(form.status.data)
    outcome = move_plan_on(inspection, new_status, actor=current_user, published_on=form.published_on.data)
    flash(status_message(new_status, outcome, deadline))
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))


@requires(MANAGES_INSPECTION)
def bulk_assign(inspection: Inspection) -> ResponseReturnValue:
    page = build_plan(inspection, 1, all_pages=True)
    action_ids = [item.action.id for section in page.recommendations for item in section.actions]
    form = BulkAssignForm(people=owner_choices(), action_ids=action_ids)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("actions/bulk_assign.html", form=form, page=page, inspection=inspection), status
    assigned = assign(
        inspection, form.action_ids.data or [], form.owner, actor=current_user, lead_agency=form.lead_agency.data or ""
    )
    flash(assigned.message(form.owner.name))
    return redirect(url_for("actions.view_plan", inspection_id=inspection.id))
