"""Managing people."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.admin import services
from tracker.auth.forms import email_address
from tracker.auth.services import NAME_LENGTH_MESSAGE, NAME_MAX_LENGTH
from tracker.forms import SelectChoice, required_data, single_line
from tracker.models import DigestPreference, Role

ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, "Administrator – manages people"),
    SelectChoice(Role.PROGRAMME_MANAGER.value, "Programme manager – runs inspections and their action plans"),
    SelectChoice(Role.SERVICE_MANAGER.value, "Service manager – updates the actions they own"),
    SelectChoice(Role.VIEWER.value, "Viewer – reads dashboards and reports"),
]
DIGEST_CHOICES = [
    SelectChoice(DigestPreference.DAILY.value, "Every working day"),
    SelectChoice(DigestPreference.WEEKLY.value, "Weekly, on Monday"),
    SelectChoice(DigestPreference.OFF.value, "Never"),
]


class UserDetailsForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[single_line],
        validators=[DataRequired("Enter a name"), Length(max=NAME_MAX_LENGTH, message=NAME_LENGTH_MESSAGE)],
    )
    job_title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Job title must be 200 characters or fewer")],
        filters=[single_line],
    )
    organisation = StringField(
        "Organisation or agency",
        widget=GovTextInput(),
        description="For example, Leicester City Council, Leicestershire Constabulary, NHS Leicester",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
        filters=[single_line],
    )
    role = RadioField("Role", widget=GovRadioInput(), choices=ROLE_CHOICES, validators=[DataRequired("Select a role")])
    line_manager_id = SelectField("Line manager", widget=GovSelect(), coerce=int, choices=[])

    def set_line_manager_choices(self, exclude_user_id: int | None = None) -> None:
        people = services.line_manager_choices(exclude_user_id)
        self.line_manager_id.choices = [SelectChoice(0, "No line manager")] + [
            SelectChoice(p.id, f"{p.name} ({p.email})") for p in people
        ]


class InviteUserForm(UserDetailsForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[single_line],
        validators=[DataRequired("Enter an email address"), Length(max=320), email_address],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def validate_email(self, field: EmailField) -> None:
        if services.email_in_use(required_data(field.data)):
            raise ValidationError("Someone already has an account with this email address")


class EditUserForm(UserDetailsForm):
    digest_preference = RadioField(
        "Reminder emails", widget=GovRadioInput(), choices=DIGEST_CHOICES, validators=[DataRequired()]
    )
    active = BooleanField("Account is active")
    # The person's details as the page showed them (services.details_fingerprint): a save made from a page
    # opened before someone else's save is refused instead of silently undoing it.
    original = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class UnlockForm(FlaskForm):
    submit = SubmitField("Let them sign in now", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Resend invitation", widget=GovSubmitInput())
