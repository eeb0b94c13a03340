"""The progress report's narrative parts, as officers write them before the meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker import clock
from tracker.domain.formatting import format_date
from tracker.domain.report import IMPLICATION_TOPICS, OPTIONAL_SECTIONS, TableError, parse_table
from tracker.forms import GovDateField, SelectChoice, single_line
from tracker.reports.services import TIMETABLE_ROWS

PARAGRAPHS_HINT = (
    "Leave a blank line between paragraphs: each is numbered in the report. Start a line with “- ” for a bullet, "
    "or with “## ” for a subheading (for example “## Background”): it is printed as a heading, not numbered."
)
TABLE_HINT = (
    "For a table, paste the cells from a spreadsheet, or type one row on each line with “|” between cells. "
    "The first row is the header."
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


def _radios(label: str, choices: list[SelectChoice]) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), choices=choices, validators=[Optional()], validate_choice=True)


YES_NO_CHOICES = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
# The first further appendix is Appendix 2: Appendix 1 is the action plan.
FIRST_FURTHER_APPENDIX = 2
MAX_APPENDICES = 20


class AppendixForm(Form):
    """One further appendix: a title and either text or a table."""

    title = _text("Appendix title", 300)
    kind = RadioField(
        "What is in it",
        widget=GovRadioInput(),
        choices=[SelectChoice("text", "Text"), SelectChoice("table", "A table")],
        default="text",
        validators=[Optional()],
        validate_choice=True,
    )
    content = TextAreaField("Content", widget=GovTextArea(), description=TABLE_HINT)
    remove = BooleanField("Remove this appendix when I save", widget=GovCheckboxInput())

    @property
    def number(self) -> int:
        """Its appendix number, from its place in the list ("appendices-0-" is Appendix 2)."""
        prefix: str = getattr(self, "_prefix", "")
        return int(prefix.rstrip("-").rsplit("-", 1)[-1]) + FIRST_FURTHER_APPENDIX

    def validate_title(self, field: StringField) -> None:
        if not self.remove.data and (self.content.data or "").strip() and not (field.data or "").strip():
            raise ValidationError(f"Enter a title for appendix {self.number}, or remove it")

    def validate_content(self, field: TextAreaField) -> None:
        """A table must read as one; an appendix being removed is not checked, so a broken one can simply go."""
        text = field.data or ""
        if self.remove.data or not text.strip():
            return
        if len(text) > TEXT_LIMIT:
            raise ValidationError(f"Appendix {self.number} must be {TEXT_LIMIT:,} characters or fewer")
        if self.kind.data != "table":
            return
        try:
            parse_table(field.data or "")
        except TableError as error:
            raise ValidationError(f"Appendix {self.number}: {error}") from None


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
    key_decision = _radios("Is this a key decision?", YES_NO_CHOICES)
    key_decision_reason = _text(
        "Reason it is or is not a key decision", 500, "For example, N/A, or: spending of more than £500,000"
    )
    forward_plan = _radios("Did it appear in the Forward Plan?", YES_NO_CHOICES)
    forward_plan_on = GovDateField(
        "Date it appeared in the Forward Plan",
        name_in_errors="The Forward Plan date",
        description="Only if it appeared. For example, 4 8 2026",
    )
    decision_by = _radios(
        "Executive or Council decision",
        [SelectChoice("executive", "Executive (Cabinet)"), SelectChoice("council", "Council")],
    )
    optional_sections = SelectMultipleField(
        "Sections to include",
        widget=GovCheckboxesInput(),
        description="Printed in section 4, before the exceptions.",
        choices=[SelectChoice(key, label) for key, label in OPTIONAL_SECTIONS.items()],
        validate_choice=True,
    )
    appendices = FieldList(FormField(AppendixForm), max_entries=MAX_APPENDICES)
    add_appendix = SubmitField("Add an appendix", widget=GovSubmitInput())
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    def __init__(self, *args: Any, published_on: date | None, **kwargs: Any) -> None:
        """`published_on`: the inspection report's publication date; there is no action plan to report on before
        it."""
        super().__init__(*args, **kwargs)
        self.published_on = published_on
        for entry in self.appendices:
            # Each appendix's fields name it, so labels and error messages say which one.
            number = entry.form.number
            entry.form.title.label.text = f"Appendix {number}: title"
            entry.form.content.label.text = f"Appendix {number}: content"
            entry.form.remove.label.text = f"Remove appendix {number} when I save"

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
        if self.forward_plan.data == "yes" and self.forward_plan_on.data is None and not self.forward_plan_on.errors:
            self.forward_plan_on.errors = ["Enter the date the decision appeared in the Forward Plan"]
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
                choices=YES_NO_CHOICES,
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
    return {name: value for name, value in form.data.items() if name not in ("csrf_token", "submit", "add_appendix")}
