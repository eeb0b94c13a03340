"""Forms for importing, reviewing and running an inspection and its statutory deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from tracker import clock
from tracker.domain.upload_sizes import MAX_REPORT_BYTES as MAX_UPLOAD_BYTES
from tracker.forms import GovDateField, SelectChoice, add_error, single_line
from tracker.models import Framework, Timescale, User

MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
FRAMEWORK_CHOICES = [
    SelectChoice("", "Choose the inspection framework"),
    SelectChoice(Framework.JAR.value, "Joint area review (JAR)"),
    SelectChoice(Framework.APA.value, "Annual performance assessment (APA)"),
    SelectChoice(Framework.SIF.value, "Single inspection framework (SIF)"),
    SelectChoice(Framework.ILACS.value, "Inspection of local authority children's services (ILACS)"),
    SelectChoice(Framework.FOCUSED_VISIT.value, "ILACS focused visit"),
    SelectChoice(Framework.LAC.value, "Inspection of looked after children or child protection services (2012–13)"),
    SelectChoice(Framework.SEND.value, "Area SEND inspection (2016 to 2022)"),
    SelectChoice(Framework.AREA_SEND.value, "Area SEND inspection (from 2023)"),
    SelectChoice(Framework.OTHER.value, "Other"),
]
TIMESCALE_CHOICES = [SelectChoice(timescale.value, timescale.label) for timescale in Timescale]
IMMEDIATE_DUE_CHOICES = [
    SelectChoice("action_plan", "On the action plan's statutory date"),
    SelectChoice("three_months", "Like the three-month timescale"),
]


def at_most(limit: int, name: str) -> Length:
    """A length limit whose error names the field, in GOV.UK words: "Title must be 300 characters or fewer"."""
    return Length(max=limit, message=f"{name} must be {limit:,} characters or fewer")


class WholeNumberField(IntegerField):
    """A whole number that keeps what was typed, with GOV.UK error text ("Months must be a whole number")."""

    def __init__(self, label: str, *, name_in_errors: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.name_in_errors = name_in_errors

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        try:
            self.data = int(text)
        except ValueError:
            raise ValueError(f"{self.name_in_errors} must be a whole number") from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation(self.process_errors[0])


class NewInspectionForm(FlaskForm):
    report_file = FileField(
        "Upload the report",
        widget=GovFileInput(),
        description="A PDF, Word (.docx) or text (.txt) file, smaller than 20MB",
        render_kw={"accept": ".pdf,.docx,.txt,application/pdf,text/plain"},
    )
    report_text = TextAreaField(
        "Or paste the text of the report",
        widget=GovTextArea(),
        description="Copy the whole report, or just its recommendations, from the PDF or Word document",
    )
    submit = SubmitField("Read the report", widget=GovSubmitInput())

    def uploaded_file(self) -> Any:
        """The chosen file, or None when the file input was left empty."""
        upload = self.report_file.data
        return upload if upload is not None and getattr(upload, "filename", None) else None

    def pasted_text(self) -> str:
        return (self.report_text.data or "").replace("\r\n", "\n").strip()

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        upload, text = self.uploaded_file(), self.pasted_text()
        if upload is not None and _upload_size(upload) > MAX_UPLOAD_BYTES:
            add_error(self.report_file, f"The selected file must be smaller than {MAX_UPLOAD_MB}MB")
        if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
            add_error(self.report_text, f"The pasted text must be smaller than {MAX_UPLOAD_MB}MB")
        if self.report_file.errors or self.report_text.errors:
            return False
        if upload is None and not text:
            self.report_file.errors.append("Choose a report to upload or paste its text")
            return False
        if upload is not None and text:
            self.report_file.errors.append("Upload a file or paste the text, not both")
            return False
        return True


def _upload_size(upload: Any) -> int:
    """The uploaded file's size in bytes, without reading it into memory."""
    stream = upload.stream
    position = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(position)
    return size


class InspectionDetailsMixin:
    """The details every inspection has, shared by the review page and the edit page."""

    authority = StringField(
        "Local authority",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the local authority"), at_most(200, "Local authority")],
        filters=[single_line],
    )
    title = StringField(
        "Title of the report",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the title of the report"), at_most(300, "Title")],
        filters=[single_line],
    )
    framework = SelectField(
        "Inspection framework",
        widget=GovSelect(),
        choices=FRAMEWORK_CHOICES,
        validators=[DataRequired("Select the inspection framework")],
    )
    inspectorate = StringField(
        "Inspectorate",
        widget=GovTextInput(),
        description="For example, Ofsted, or Ofsted with the Care Quality Commission",
        validators=[at_most(200, "Inspectorate")],
        filters=[single_line],
    )
    inspection_start_on = GovDateField("Inspection started", name_in_errors="The date the inspection started")
    inspection_end_on = GovDateField("Inspection ended", name_in_errors="The date the inspection ended")
    received_on = GovDateField(
        "Date the council received the report", name_in_errors="The date the council received the report"
    )
    published_on = GovDateField("Date the report was published", name_in_errors="The date the report was published")
    overall_judgement = StringField(
        "Overall judgement",
        widget=GovTextInput(),
        validators=[Optional(), at_most(200, "Overall judgement")],
        filters=[single_line],
    )

    def validate_inspection_end_on(self, field: GovDateField) -> None:
        start = self.inspection_start_on.data
        if field.data and start and field.data < start:
            raise StopValidation("The date the inspection ended must be the same as or after the date it started")

    def validate_received_on(self, field: GovDateField) -> None:
        published_on = self.published_on.data
        if field.data and published_on and field.data > published_on:
            raise StopValidation(
                "The date the council received the report must be the same as or before the date it was published"
            )

    def validate_published_on(self, field: GovDateField) -> None:
        """A report is not published more than a year ahead: such a date is a typing slip (2099 for 2009)."""
        if field.data and field.data > _a_year_after(clock.today()):
            raise StopValidation("The date the report was published cannot be more than a year from today")


def _a_year_after(day: date) -> date:
    return day.replace(year=day.year + 1) if (day.month, day.day) != (2, 29) else date(day.year + 1, 2, 28)


class JudgementRowForm(Form):
    area = StringField(
        "Area judged", widget=GovTextInput(), validators=[at_most(300, "Area judged")], filters=[single_line]
    )
    grade = StringField("Grade", widget=GovTextInput(), validators=[at_most(100, "Grade")], filters=[single_line])

    def validate_grade(self, field: StringField) -> None:
        if (self.area.data or "").strip() and not (field.data or "").strip():
            raise StopValidation("Enter the grade for this area, or remove the row")

    def validate_area(self, field: StringField) -> None:
        if (self.grade.data or "").strip() and not (field.data or "").strip():
            raise StopValidation("Enter the area this grade is for, or remove the row")


class RecommendationItemForm(Form):
    number = StringField("Number", widget=GovTextInput(), validators=[at_most(20, "Number")], filters=[single_line])
    timescale = SelectField(
        "Timescale", widget=GovSelect(), choices=TIMESCALE_CHOICES, validators=[DataRequired("Select a timescale")]
    )
    addressee = StringField(
        "Addressed to", widget=GovTextInput(), validators=[at_most(300, "Addressee")], filters=[single_line]
    )
    theme = StringField("Theme", widget=GovTextInput(), validators=[at_most(300, "Theme")], filters=[single_line])
    text = TextAreaField(
        "Recommendation",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the text of the recommendation, or delete the item")],
    )

    def validate_text(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise StopValidation("Enter the text of the recommendation, or delete the item")


class ReviewForm(InspectionDetailsMixin, FlaskForm):
    """The whole review page as one form, so every button keeps every edit."""

    judgements = FieldList(FormField(JudgementRowForm))
    recommendations = FieldList(FormField(RecommendationItemForm))


class EditInspectionForm(InspectionDetailsMixin, FlaskForm):
    judgements = FieldList(FormField(JudgementRowForm))
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class DueDateSettingsForm(FlaskForm):
    immediate_due = RadioField(
        "Actions for immediate action are due",
        widget=GovRadioInput(),
        choices=IMMEDIATE_DUE_CHOICES,
        validators=[DataRequired("Select when immediate actions are due")],
    )
    three_months_months = WholeNumberField(
        "Within three months: months after publication",
        name_in_errors="Months",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a number of months for the three-month timescale"),
            NumberRange(1, 120, "Months must be between 1 and 120"),
        ],
    )
    six_months_months = WholeNumberField(
        "Within six months: months after publication",
        name_in_errors="Months",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a number of months for the six-month timescale"),
            NumberRange(1, 120, "Months must be between 1 and 120"),
        ],
    )
    longer_term_months = WholeNumberField(
        "In the longer term: months after publication",
        name_in_errors="Months",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a number of months for the longer term"),
            NumberRange(1, 120, "Months must be between 1 and 120"),
        ],
    )
    improvement_months = WholeNumberField(
        "Areas for improvement: months after publication",
        name_in_errors="Months",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a number of months for areas for improvement"),
            NumberRange(1, 120, "Months must be between 1 and 120"),
        ],
    )
    rag_amber_within_working_days = WholeNumberField(
        "Suggest Amber when an action is due within this many working days",
        name_in_errors="Working days for suggesting Amber",
        widget=GovTextInput(),
        description="Overdue actions are suggested Red. Enter 0 to suggest Amber only on the day an action is due.",
        validators=[
            InputRequired("Enter the number of working days for suggesting Amber"),
            NumberRange(0, 60, "Working days for suggesting Amber must be between 0 and 60"),
        ],
    )
    submit = SubmitField("Save due date rules", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF protection and nothing else."""


class RecommendationForm(FlaskForm):
    """One recommendation as the report words it, corrected after the inspection was saved."""

    number = StringField(
        "Number as printed (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=20, message="Number must be 20 characters or fewer")],
        filters=[single_line],
    )
    timescale = SelectField(
        "Timescale", widget=GovSelect(), choices=TIMESCALE_CHOICES, validators=[DataRequired("Select a timescale")]
    )
    addressee = StringField(
        "Who the report tells to act (optional)",
        widget=GovTextInput(),
        description="For example, The local partnership",
        validators=[Optional(), Length(max=300, message="Addressee must be 300 characters or fewer")],
        filters=[single_line],
    )
    theme = StringField(
        "Theme (optional)",
        widget=GovTextInput(),
        description="The sub-heading it sits under, for example Care leavers",
        validators=[Optional(), Length(max=300, message="Theme must be 300 characters or fewer")],
        filters=[single_line],
    )
    text = TextAreaField(
        "Recommendation",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the recommendation"),
            Length(max=5000, message="Recommendation must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Save recommendation", widget=GovSubmitInput())


class ManagersForm(FlaskForm):
    manager_ids = SelectMultipleField(
        "Programme managers who run this inspection",
        widget=GovCheckboxesInput(),
        coerce=int,
        choices=[],
        validators=[DataRequired("Select at least one programme manager")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        """`candidates`: the people who may run an inspection."""
        super().__init__(*args, **kwargs)
        self.manager_ids.choices = [SelectChoice(user.id, f"{user.name} ({user.email})") for user in candidates]
