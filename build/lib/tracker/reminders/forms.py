"""Forms behind the reminders page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import DataRequired

from tracker.models import DigestPreference

DIGEST_CHOICES = [
    (DigestPreference.DAILY.value, "Every working day"),
    (DigestPreference.WEEKLY.value, "Once a week, on Monday"),
    (DigestPreference.OFF.value, "Never"),
]


class DigestPreferenceForm(FlaskForm):
    digest_preference = RadioField(
        "How often do you want a reminder email?",
        widget=GovRadioInput(),
        choices=DIGEST_CHOICES,
        description="It lists your overdue actions, those due soon and those that need an update. "
        "When there is nothing to say, there is no email.",
        validators=[DataRequired("Select how often you want a reminder email")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something: the CSRF token is the whole form."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
