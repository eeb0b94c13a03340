"""Forms behind the reminders page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import DataRequired, Optional

from tracker.forms import SelectChoice
from tracker.models import DigestPreference, NoticePreference

DIGEST_CHOICES = [
    SelectChoice(DigestPreference.DAILY.value, "Every working day"),
    SelectChoice(DigestPreference.WEEKLY.value, "Once a week, on Monday"),
    SelectChoice(DigestPreference.OFF.value, "Never"),
]

NOTICE_CHOICES = [
    SelectChoice(NoticePreference.IMMEDIATE.value, "Email me straight away"),
    SelectChoice(NoticePreference.DIGEST.value, "Tell me in my reminder email"),
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
    notice_preference = RadioField(
        "When actions are given to you, or a revised due date is asked for or decided",
        widget=GovRadioInput(),
        choices=NOTICE_CHOICES,
        # Left out (a form from before the choice existed), it stays as it was.
        validators=[Optional()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something: the CSRF token is the whole form."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
