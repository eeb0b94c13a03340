"""An inspection's committee meetings: adding one (warned when it approves the plan too late), removing one."""

from __future__ import annotations

from flask import flash, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import loaders
from tracker.forms import required_data
from tracker.inspections import meetings
from tracker.inspections.deadline_forms import MeetingForm
from tracker.inspections.deadlines import list_deadlines
from tracker.inspections.routes import back_to, status_for
from tracker.models import Inspection
from tracker.permissions import MANAGES_INSPECTION, requires


@requires(MANAGES_INSPECTION)
def add_meeting(inspection: Inspection) -> ResponseReturnValue:
    form = MeetingForm()
    if not form.validate_on_submit():
        return render_template("inspections/add_meeting.html", inspection=inspection, form=form), status_for(form)
    meeting = meetings.add_meeting(
        inspection,
        committee=required_data(form.committee.data).strip(),
        meets_on=form.meets_on.data,
        approves_plan=form.approves_plan.data,
        actor=current_user,
    )
    flash(f"Added the meeting: {meeting.committee}")
    for warning in meetings.meeting_warnings([meeting], list_deadlines(inspection)):
        flash(warning, "error")
    return back_to(inspection, "meetings")


@requires(MANAGES_INSPECTION)
def delete_meeting(inspection: Inspection, meeting_id: int) -> ResponseReturnValue:
    meeting = loaders.load_meeting(inspection, meeting_id)
    meetings.delete_meeting(meeting, actor=current_user)
    flash(f"Removed the meeting: {meeting.committee}")
    return back_to(inspection, "meetings")
