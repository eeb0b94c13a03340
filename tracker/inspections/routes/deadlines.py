"""An inspection's statutory deadlines: adding one by hand, changing a date with a reason (or going back to the
counted date), marking one done, deleting one added by hand, and ticking its publication checklist."""

from __future__ import annotations

from flask import abort, flash, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, loaders
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.formatting import not_a_working_day
from tracker.forms import add_error, required_data
from tracker.inspections import deadlines as deadline_services
from tracker.inspections.deadline_forms import ChangeDeadlineDateForm, ChecklistItemForm, MarkDoneForm, NewDeadlineForm
from tracker.inspections.routes import back_to, status_for
from tracker.models import DeadlineAnchor, DeadlineCounting, DeadlineKind, Inspection
from tracker.permissions import MANAGES_INSPECTION, requires

NOT_IN_THE_FUTURE = "The date it was done must be today or in the past"


def checklist_incomplete(unticked: int) -> str:
    """The error when a deadline with unticked checklist lines is marked done without saying why."""
    lines = "1 line of its checklist is" if unticked == 1 else f"{unticked} lines of its checklist are"
    return f"Enter why the deadline is done although {lines} not ticked, or tick them first"


@requires(MANAGES_INSPECTION)
def add_deadline(inspection: Inspection) -> ResponseReturnValue:
    form = NewDeadlineForm()
    if not form.validate_on_submit():
        return render_template("inspections/add_deadline.html", inspection=inspection, form=form), status_for(form)
    deadline = deadline_services.add_deadline(
        inspection,
        title=required_data(form.title.data).strip(),
        actor=current_user,
        due_on=form.due_on.data,
        working_days=form.working_days.data,
        anchor=DeadlineAnchor(form.anchor.data) if form.anchor.data else None,
        counting=DeadlineCounting(form.counting.data) if form.counting.data else None,
    )
    flash(f"Added the deadline: {deadline.title}")
    return back_to(inspection, "deadlines")


@requires(MANAGES_INSPECTION)
def change_deadline_date(inspection: Inspection, deadline_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    form = ChangeDeadlineDateForm()
    if not form.validate_on_submit():
        context = {"inspection": inspection, "deadline": deadline, "form": form}
        return render_template("inspections/change_deadline_date.html", **context), status_for(form)
    changed = deadline_services.change_due_on(
        deadline, required_data(form.due_on.data), reason=(form.reason.data or "").strip(), actor=current_user
    )
    flash(f"Changed the date of {deadline.title}" if changed else "The date is the same: nothing was changed")
    if changed and deadline.due_on and (warning := not_a_working_day(deadline.due_on, BANK_HOLIDAYS)):
        flash(warning, "error")
    return back_to(inspection, f"deadline-{deadline.id}")


@requires(MANAGES_INSPECTION)
def restore_deadline_date(inspection: Inspection, deadline_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    if deadline.working_days is None:
        abort(400)
    deadline_services.restore_counted_date(deadline, actor=current_user)
    flash(f"{deadline.title} is back to its counted date")
    return back_to(inspection, f"deadline-{deadline.id}")


@requires(MANAGES_INSPECTION)
def mark_deadline_done(inspection: Inspection, deadline_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    form = MarkDoneForm()
    unticked = [item for item in deadline.checklist if item.done_on is None]
    reason = (form.reason.data or "").strip()
    if form.validate_on_submit():
        if form.met_on.data > clock.today():
            add_error(form.met_on, NOT_IN_THE_FUTURE)
        if unticked and not reason:
            add_error(form.reason, checklist_incomplete(len(unticked)))
    if not form.is_submitted() or form.errors:
        context = {"inspection": inspection, "deadline": deadline, "form": form, "unticked": unticked}
        return render_template("inspections/mark_done.html", **context), status_for(form)
    deadline_services.mark_done(deadline, form.met_on.data, actor=current_user, reason=reason if unticked else "")
    flash(f"Marked as done: {deadline.title}")
    return back_to(inspection, f"deadline-{deadline.id}")


@requires(MANAGES_INSPECTION)
def mark_deadline_not_done(inspection: Inspection, deadline_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    deadline_services.mark_not_done(deadline, actor=current_user)
    flash(f"Marked as not done: {deadline.title}")
    return back_to(inspection, f"deadline-{deadline.id}")


@requires(MANAGES_INSPECTION)
def delete_deadline(inspection: Inspection, deadline_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    if deadline.kind != DeadlineKind.OTHER:
        abort(400)
    deadline_services.delete_deadline(deadline, actor=current_user)
    flash(f"Deleted the deadline: {deadline.title}")
    return back_to(inspection, "deadlines")


@requires(MANAGES_INSPECTION)
def tick_checklist_item(inspection: Inspection, deadline_id: int, item_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    item = loaders.load_checklist_item(deadline, item_id)
    form = ChecklistItemForm(obj=item)
    if form.validate_on_submit() and form.done_on.data > clock.today():
        add_error(form.done_on, NOT_IN_THE_FUTURE)
    if not form.is_submitted() or form.errors:
        context = {"inspection": inspection, "deadline": deadline, "item": item, "form": form}
        return render_template("inspections/checklist_item.html", **context), status_for(form)
    deadline_services.tick_checklist_item(
        item, done_on=form.done_on.data, evidence=(form.evidence.data or "").strip(), actor=current_user
    )
    flash(f"Ticked: {item.label}")
    return back_to(inspection, f"deadline-{deadline.id}")


@requires(MANAGES_INSPECTION)
def untick_checklist_item(inspection: Inspection, deadline_id: int, item_id: int) -> ResponseReturnValue:
    deadline = loaders.load_deadline(inspection, deadline_id)
    item = loaders.load_checklist_item(deadline, item_id)
    deadline_services.untick_checklist_item(item, actor=current_user)
    flash(f"Marked as not done: {item.label}")
    return back_to(inspection, f"deadline-{deadline.id}")
