"""Issuing and revoking API tokens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.api_tokens.services import EXPIRY_DAYS, NAME_MAX_LENGTH
from tracker.forms import SelectChoice, single_line
from tracker.models import User

EXPIRY_LABELS = {30: "30 days", 90: "90 days", 365: "1 year"}


class IssueTokenForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[single_line],
        description="What uses it, so you know it later. For example, Performance team Power BI",
        validators=[
            DataRequired("Enter a name for the token"),
            Length(max=NAME_MAX_LENGTH, message=f"Name must be {NAME_MAX_LENGTH} characters or fewer"),
        ],
    )
    user_id = SelectField(
        "Person it acts as",
        widget=GovSelect(),
        description="The token reads what this person can read in the tracker, and stops working if they are "
        "deactivated.",
        choices=[],
        validate_choice=False,  # validate_user_id says it in the service's words
        validators=[DataRequired("Choose the person the token acts as")],
    )
    expires_in = RadioField(
        "Expires after",
        widget=GovRadioInput(),
        choices=[SelectChoice(str(days), EXPIRY_LABELS[days]) for days in EXPIRY_DAYS],
        validate_choice=False,  # validate_expires_in says it in the service's words
        validators=[DataRequired("Choose when the token expires")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())

    def set_people(self, people: list[User]) -> None:
        self.people = {str(person.id): person for person in people}
        self.user_id.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(str(person.id), f"{person.name} ({person.email})") for person in people
        ]

    def validate_user_id(self, field: SelectField) -> None:
        if field.data not in self.people:
            raise ValidationError("Choose the person the token acts as")

    def validate_expires_in(self, field: RadioField) -> None:
        if field.data not in {str(days) for days in EXPIRY_DAYS}:
            raise ValidationError("Choose when the token expires")

    @property
    def person(self) -> User:
        return self.people[self.user_id.data]


class RevokeTokenForm(FlaskForm):
    submit = SubmitField("Revoke token", widget=GovSubmitInput())
