"""Forms for an inspection's statutory deadlines, their publication checklists and its committee meetings."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from tracker.forms import GovDateField, SelectChoice, add_error, single_line
from tracker.inspections.forms import at_most
from tracker.models import DeadlineAnchor, DeadlineCounting

ANCHOR_CHOICES = [
    SelectChoice(DeadlineAnchor.PUBLISHED_ON.value, "The date the report was published"),
    SelectChoice(DeadlineAnchor.RECEIVED_ON.value, "The date the council received the report"),
]
COUNTING_CHOICES = [
    SelectChoice(DeadlineCounting.BEGINNING_WITH.value, "Beginning with that day (it is day 1)"),
    SelectChoice(DeadlineCounting.AFTER.value, "After that day (the next working day is day 1)"),
]


class NewDeadlineForm(FlaskForm):
    title = StringField(
        "What must be done",
        widget=GovTextInput(),
        description="For example, Send the action plan to the Secretary of State",
        validators=[DataRequired("Enter what must be done by the deadline"), at_most(300, "What must be done")],
        filters=[single_line],
    )
    due_on = GovDateField("Due date", name_in_errors="The due date", description="For example, 9 9 2008")
    working_days = IntegerField(
        "Number of working days",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(1, 500, "The number of working days must be between 1 and 500")],
    )
    anchor = RadioField("Counted from", widget=GovRadioInput(), choices=ANCHOR_CHOICES, validators=[Optional()])
    counting = RadioField("Counting", widget=GovRadioInput(), choices=COUNTING_CHOICES, validators=[Optional()])
    submit = SubmitField("Add deadline", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.due_on.data and self.working_days.data:
            add_error(self.due_on, "Enter a due date or a number of working days, not both")
            return False
        if self.due_on.data is None and self.working_days.data is None:
            add_error(self.due_on, "Enter a due date or a number of working days")
            return False
        if self.working_days.data is not None:
            if not self.anchor.data:
                add_error(self.anchor, "Select the date the working days are counted from")
            if not self.counting.data:
                add_error(self.counting, "Select how the working days are counted")
            return not (self.anchor.errors or self.counting.errors)
        return True


class ChangeDeadlineDateForm(FlaskForm):
    due_on = GovDateField("New due date", name_in_errors="The new due date", required="Enter the new due date")
    reason = TextAreaField(
        "Reason for the change",
        widget=GovTextArea(),
        description="This is kept in the inspection's history",
        validators=[DataRequired("Enter the reason for changing the date"), at_most(2000, "Reason")],
    )
    submit = SubmitField("Change the date", widget=GovSubmitInput())


class MarkDoneForm(FlaskForm):
    met_on = GovDateField(
        "Date it was done", name_in_errors="The date it was done", required="Enter the date it was done"
    )
    reason = TextAreaField(
        "Why it is done although the checklist is not complete",
        widget=GovTextArea(),
        description="This is kept in the inspection's history",
        validators=[Optional(), at_most(2000, "The reason")],
    )
    submit = SubmitField("Mark as done", widget=GovSubmitInput())


class ChecklistItemForm(FlaskForm):
    done_on = GovDateField("Date done", name_in_errors="The date it was done", required="Enter the date it was done")
    evidence = TextAreaField(
        "Evidence",
        widget=GovTextArea(),
        description="For example, where the email, letter or press release is filed",
        validators=[DataRequired("Enter the evidence"), at_most(2000, "Evidence")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    committee = StringField(
        "Committee",
        widget=GovTextInput(),
        description="For example, Cabinet, or Overview and Scrutiny Management Board",
        validators=[DataRequired("Enter the name of the committee"), at_most(200, "Committee")],
        filters=[single_line],
    )
    meets_on = GovDateField(
        "Date of the meeting", name_in_errors="The date of the meeting", required="Enter the date of the meeting"
    )
    approves_plan = BooleanField("This meeting approves the action plan", widget=GovCheckboxInput())
    submit = SubmitField("Add meeting", widget=GovSubmitInput())
