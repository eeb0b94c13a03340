"""Forms for building the plan: actions, their order and owners, the plan's status and spreadsheet imports.

The progress form is tracker.actions.progress_forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, StopValidation

from tracker.domain.plan_lifecycle import PLAN_STATUS_LABELS, refused_move
from tracker.forms import GovDateField, SelectChoice, required_data, single_line
from tracker.models import User
from tracker.numbers import whole_number
from tracker.template_filters import format_date

NOT_AN_OWNER = "Select an owner from the list: viewers and deactivated people cannot own actions"


def _as_audited(value: object) -> str | None:
    """A form value as the audit trail writes it (tracker.audit.services): dates ISO, people by name."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, User):
        return value.name
    return str(value)


def _owner_label(user: User) -> str:
    return f"{user.name} ({user.organisation})" if user.organisation else user.name


def _owner_choices(nobody: str, people: list[User]) -> list[SelectChoice]:
    """The owner select's options: `nobody` (value 0) first, then `people`."""
    return [SelectChoice(0, nobody)] + [SelectChoice(person.id, _owner_label(person)) for person in people]


class VersionedForm(FlaskForm):
    """Carries the action's version and what the person had seen when they opened the form."""

    version = HiddenField()
    seen = HiddenField()

    @property
    def expected_version(self) -> int | None:
        return whole_number(self.version.data)


class ActionForm(VersionedForm):
    reference = StringField(
        "Reference",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a reference, like 2.1"),
            Length(max=20, message="Reference must be 20 characters or fewer"),
        ],
        filters=[single_line],
    )
    title = StringField(
        "Action",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the action"),
            Length(max=300, message="Action must be 300 characters or fewer"),
        ],
        filters=[single_line],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    owner_id = SelectField("Owner (lead officer)", widget=GovSelect(), coerce=int, choices=[], validate_choice=False)
    lead_agency = StringField(
        "Lead agency",
        widget=GovTextInput(),
        description="For example, Leicester City Council, NHS Leicester, Leicestershire Constabulary",
        validators=[Length(max=200, message="Lead agency must be 200 characters or fewer")],
        filters=[single_line],
    )
    start_on = GovDateField("Start date (optional)", name_in_errors="The start date")
    due_on = GovDateField("Due date", required="Enter a due date")
    success_criteria = TextAreaField(
        "Success criteria and measures",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Success criteria must be 5,000 characters or fewer")],
    )
    due_on_reason = TextAreaField(
        "Reason for changing the due date",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Reason for changing the due date must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        people: list[User],
        published_on: date | None,
        references_in_use: frozenset[str],
        revised_from: date | None,
        asks_reason: bool,
        **kwargs: Any,
    ) -> None:
        """`people` who may own it, `references_in_use` under its recommendation (its own left out), and, when
        editing an action of an agreed plan (`asks_reason`), the due date it is `revised_from`: a new due date
        there is a revision and needs its reason."""
        super().__init__(*args, **kwargs)
        self.owner_id.choices = _owner_choices("No owner yet", people)
        self._people = {person.id: person for person in people}
        self.published_on = published_on
        self.references_in_use = references_in_use
        self.revised_from = revised_from
        self.asks_reason = asks_reason

    def validate_reference(self, field: StringField) -> None:
        if (field.data or "").strip().lower() in self.references_in_use:
            raise StopValidation(f"Reference {(field.data or '').strip()} is already used in this recommendation")

    def validate_owner_id(self, field: SelectField) -> None:
        if field.data and field.data not in self._people:
            raise StopValidation(NOT_AN_OWNER)

    def validate_due_on(self, field: GovDateField) -> None:
        if field.data is None:
            return
        if self.published_on and field.data < self.published_on:
            raise StopValidation(
                f"Due date must be on or after the report's publication date, {format_date(self.published_on)}"
            )
        if self.start_on.data and field.data < self.start_on.data:
            raise StopValidation("Due date must be on or after the start date")

    def validate_due_on_reason(self, field: TextAreaField) -> None:
        moved = self.due_on.data is not None and self.due_on.data != self.revised_from
        if self.asks_reason and moved and not (field.data or "").strip():
            raise StopValidation("Enter the reason for changing the due date")

    def adopt_unedited(self, action: Any, values_before: dict[str, str | None]) -> list[str]:
        """Put others' newer values into the fields this person left as they were; returns those fields' labels.

        `values_before` holds, for each field someone else changed, its value when this form was
        opened (as the audit trail records it). A field this person also changed keeps their text.
        """
        adopted = []
        for name, value in self.fields_to_save().items():
            if name not in values_before or _as_audited(value) != values_before[name]:
                continue
            field = self.owner_id if name == "owner" else getattr(self, name)
            field.data = (action.owner_id or 0) if name == "owner" else getattr(action, name)
            field.raw_data = None
            adopted.append(field.label.text)
        return adopted

    def fields_to_save(self) -> dict[str, Any]:
        """The edited values, keyed as the action's attributes."""
        return {
            "reference": required_data(self.reference.data).strip(),
            "title": required_data(self.title.data).strip(),
            "description": (self.description.data or "").strip(),
            "owner": self._people.get(self.owner_id.data),
            "lead_agency": (self.lead_agency.data or "").strip(),
            "start_on": self.start_on.data,
            "due_on": self.due_on.data,
            "success_criteria": (self.success_criteria.data or "").strip(),
        }


class DeleteActionForm(FlaskForm):
    submit = SubmitField("Yes, delete this action", widget=GovSubmitInput())


class MoveActionForm(FlaskForm):
    direction = StringField(validators=[AnyOf(["up", "down"])], filters=[single_line])
    # Where the action was when the button was shown: a second click of the same button moves nothing.
    position = IntegerField(validators=[InputRequired()])


class BulkAssignForm(FlaskForm):
    action_ids = SelectMultipleField(
        "Actions", widget=GovCheckboxesInput(), coerce=int, choices=[], validate_choice=False
    )
    owner_id = SelectField("New owner", widget=GovSelect(), coerce=int, choices=[], validate_choice=False)
    lead_agency = StringField(
        "Lead agency (optional)",
        widget=GovTextInput(),
        description="Leave blank to keep each action's lead agency",
        validators=[Length(max=200, message="Lead agency must be 200 characters or fewer")],
        filters=[single_line],
    )
    submit = SubmitField("Assign owner", widget=GovSubmitInput())

    def __init__(self, *args: Any, people: list[User], action_ids: list[int], **kwargs: Any) -> None:
        """`people` who may own actions, and the plan's `action_ids` that may be chosen."""
        super().__init__(*args, **kwargs)
        self.owner_id.choices = _owner_choices("Choose someone", people)
        self._people = {person.id: person for person in people}
        self._action_ids = set(action_ids)

    def validate_owner_id(self, field: SelectField) -> None:
        if not field.data:
            raise StopValidation("Select the new owner")
        if field.data not in self._people:
            raise StopValidation(NOT_AN_OWNER)

    def validate_action_ids(self, field: SelectMultipleField) -> None:
        chosen = [action_id for action_id in field.data or [] if action_id in self._action_ids]
        if not chosen:
            raise StopValidation("Select at least one action")
        field.data = chosen

    @property
    def owner(self) -> User:
        return self._people[self.owner_id.data]


class PlanStatusForm(FlaskForm):
    status = RadioField("New status", widget=GovRadioInput(), choices=[], validate_choice=False)
    published_on = GovDateField("Date the plan was published")
    confirm_unactioned = BooleanField(
        "Go ahead although some recommendations have no actions", widget=GovCheckboxInput()
    )
    submit = SubmitField("Change status", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        current_status: str,
        next_statuses: tuple[str, ...],
        report_published_on: date | None,
        today: date,
        asks_for_date: bool,
        unactioned: list[str],
        **kwargs: Any,
    ) -> None:
        """The plan's `current_status` and the `next_statuses` it can move to; `asks_for_date` when publishing
        from here records the publication date; `unactioned`: the numbers of recommendations with no live
        action (publishing or consulting on such a plan needs a tick)."""
        super().__init__(*args, **kwargs)
        self.current_status = current_status
        self.next_statuses = next_statuses
        self.status.choices = [SelectChoice(status, PLAN_STATUS_LABELS[status]) for status in next_statuses]
        self.status.validators = [DataRequired("Select the plan's new status")]
        self.report_published_on = report_published_on
        self.today = today
        self.asks_for_date = asks_for_date
        self.unactioned = unactioned

    @property
    def asks_to_confirm_unactioned(self) -> bool:
        return self.asks_for_date and bool(self.unactioned)

    def validate_status(self, field: RadioField) -> None:
        if field.data not in self.next_statuses:
            raise StopValidation(refused_move(self.current_status, field.data))

    def validate_confirm_unactioned(self, field: BooleanField) -> None:
        """A plan that leaves recommendations unanswered goes out only when someone says so."""
        if self.asks_to_confirm_unactioned and self.status.data in ("consultation", "published") and not field.data:
            raise StopValidation("Confirm that the plan should go ahead although some recommendations have no actions")

    def validate_published_on(self, field: GovDateField) -> None:
        if not (self.asks_for_date and self.status.data == "published") or field.process_errors:
            return
        if field.data is None:
            raise StopValidation("Enter the date the plan was published")
        if self.today and field.data > self.today:
            raise StopValidation("Date the plan was published must be today or in the past")
        if self.report_published_on and field.data < self.report_published_on:
            raise StopValidation(
                "Date the plan was published must be on or after the report's publication date, "
                f"{format_date(self.report_published_on)}"
            )


class ImportPlanForm(FlaskForm):
    spreadsheet = FileField("Upload a spreadsheet", widget=GovFileInput())
    submit = SubmitField("Check the spreadsheet", widget=GovSubmitInput())

    def validate_spreadsheet(self, field: FileField) -> None:
        if not field.data or not field.data.filename:
            raise StopValidation("Select a spreadsheet")
        if not field.data.filename.lower().endswith((".xlsx", ".csv")):
            raise StopValidation("The selected file must be an .xlsx or .csv spreadsheet")


class ConfirmImportForm(FlaskForm):
    rows = HiddenField()
    filename = HiddenField()
    # One per preview: a second confirm of the same preview (a double-click, a resubmit) imports nothing.
    import_token = HiddenField()
    skip_invalid = BooleanField("Import the valid rows and skip the rows with problems")
    # Rows whose action changed in the tracker since the download: skipped unless chosen here (action ids).
    apply_conflicts = SelectMultipleField("Rows changed in the tracker since you downloaded the spreadsheet",
                                          choices=[], validate_choice=False)  # fmt: skip
    due_date_reason = TextAreaField(
        "Reason for changing the due dates",
        widget=GovTextArea(),
        description="The plan is published, so the history keeps a reason for every new due date.",
        validators=[Length(max=2000, message="Reason for changing the due dates must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Import actions", widget=GovSubmitInput())

    def chosen_conflicts(self) -> set[int]:
        """The actions whose conflicting rows the person chose to save anyway."""
        numbers = (whole_number(value) for value in self.apply_conflicts.data or [])
        return {number for number in numbers if number is not None}
