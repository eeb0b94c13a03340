"""The progress report's narrative parts, as officers write them before the meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker import clock
from tracker.domain.formatting import format_date
from tracker.domain.report import IMPLICATION_TOPICS
from tracker.forms import GovDateField, single_line
from tracker.reports.services import TIMETABLE_ROWS

PARAGRAPHS_HINT = (
    "Leave a blank line between paragraphs: each is numbered in the report. Start a line with “- ” for a bullet."
)
TEXT_LIMIT = 20_000


def _text_area(label: str, description: str = PARAGRAPHS_HINT) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=description,
        validators=[Length(max=TEXT_LIMIT, message=f"{label} must be {TEXT_LIMIT:,} characters or fewer")],
    )


def _text(label: str, limit: int, description: str = "", required: str | None = None) -> StringField:
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=limit, message=f"{label} must be {limit} characters or fewer"))
    return StringField(
        label, widget=GovTextInput(), description=description, validators=validators, filters=[single_line]
    )


class ReportForm(FlaskForm):
    committee = _text(
        "Committee", 200, "The meeting this report goes to, for example Cabinet", required="Enter the committee"
    )
    meets_on = GovDateField("Meeting date", description="For example, 1 12 2026", required="Enter the meeting date")
    as_at = GovDateField(
        "Figures as at",
        name_in_errors="The as-at date",
        description="The figures show the action plan as it stood at the end of this day",
        required="Enter the date the figures are as at",
    )
    title = _text("Title", 300, required="Enter a title")
    report_of = _text("Report of", 300, "For example, the Director of Children's Services")
    wards_affected = _text("Wards affected", 300, "For example, All")
    purpose = _text_area("Purpose of report")
    summary = _text_area(
        "Summary", PARAGRAPHS_HINT + " The figures and chart are added after your paragraphs as at the date above."
    )
    recommendations_to_committee = _text_area("Recommendations to the committee")
    report_body = _text_area(
        "Report", PARAGRAPHS_HINT + " The exceptions, statutory deadlines and change since the last report follow it."
    )
    financial_implications = _text_area("Financial implications")
    financial_officer = _text("Financial implications signed off by", 300, "Name, job title and telephone extension")
    legal_implications = _text_area("Legal implications")
    legal_officer = _text("Legal implications signed off by", 300, "Name, job title and telephone extension")
    background_papers = _text_area("Background papers", "One paper on each line")
    report_authors = _text_area(
        "Report authors",
        "Name, job title, service and telephone extension on separate lines; a blank line between authors",
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    def __init__(self, *args: Any, published_on: date | None, **kwargs: Any) -> None:
        """`published_on`: the inspection report's publication date; there is no action plan to report on before
        it."""
        super().__init__(*args, **kwargs)
        self.published_on = published_on

    def validate_as_at(self, field: GovDateField) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError("The as-at date must be today or in the past")
        if field.data and self.published_on and field.data < self.published_on:
            raise ValidationError(
                f"The as-at date must be on or after the report's publication date, {format_date(self.published_on)}"
            )

    def timetable_fields(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"timetable_{i}_committee"], self[f"timetable_{i}_meets_on"]) for i in range(1, TIMETABLE_ROWS + 1)
        ]

    def implication_fields(self) -> list[tuple[str, Any, Any]]:
        return [(label, self[f"{key}_applies"], self[f"{key}_reference"]) for key, label in IMPLICATION_TOPICS]

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        for committee, meets_on in self.timetable_fields():
            if meets_on.data and not (committee.data or "").strip():
                committee.errors.append("Enter the committee for this meeting date")
                valid = False
        return valid


def _add_timetable_rows() -> None:
    for i in range(1, TIMETABLE_ROWS + 1):
        setattr(ReportForm, f"timetable_{i}_committee", _text(f"Meeting {i}: committee", 200))
        setattr(
            ReportForm,
            f"timetable_{i}_meets_on",
            GovDateField(f"Meeting {i}: date", name_in_errors=f"Meeting {i} date"),
        )


def _add_implications() -> None:
    for key, label in IMPLICATION_TOPICS:
        setattr(
            ReportForm,
            f"{key}_applies",
            RadioField(
                f"{label}: are there implications?",
                widget=GovRadioInput(),
                choices=[("yes", "Yes"), ("no", "No")],
                validators=[Optional()],
                validate_choice=True,
            ),
        )
        setattr(ReportForm, f"{key}_reference", _text(f"{label}: paragraph references", 300))


_add_timetable_rows()
_add_implications()


class ConfirmForm(FlaskForm):
    submit = SubmitField("Issue report", widget=GovSubmitInput())


class DeleteForm(FlaskForm):
    submit = SubmitField("Delete draft", widget=GovSubmitInput())


def form_data(form: ReportForm) -> dict[str, Any]:
    """The submitted details without the CSRF token and buttons."""
    return {name: value for name, value in form.data.items() if name not in ("csrf_token", "submit")}
