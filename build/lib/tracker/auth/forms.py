"""Sign-in and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, Field, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from tracker.auth.services import password_problem
from tracker.email_addresses import email_format_problem


def strip_spaces(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_address(_form: FlaskForm, field: Field) -> None:
    """The email format check shared by every form that takes an address (demo `.test` addresses included)."""
    problem = email_format_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your email address"), Length(max=320)],
    )
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[DataRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[DataRequired("Enter your email address"), Length(max=320), email_address],
    )
    submit = SubmitField("Send a reset link", widget=GovSubmitInput())


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. Three random words work well.",
        validators=[DataRequired("Enter a new password"), Length(max=200)],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Confirm your new password"), EqualTo("password", "Passwords must match")],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())

    def __init__(self, *args: object, email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._email)
        if problem:
            raise ValidationError(problem)


class SignOutEverywhereForm(FlaskForm):
    submit = SubmitField("Sign out everywhere", widget=GovSubmitInput())
