"""The progress form (signed in, and from a reminder email's link) and the decision on a revised due date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.actions.due_dates import suggested_rag
from tracker.actions.forms import VersionedForm
from tracker.actions.queries.shared import working_days_to_due
from tracker.domain.progress import NARRATIVE_LIMIT, REASON_LIMIT, ProgressInput, progress_errors
from tracker.domain.rag import STATUSES
from tracker.forms import GovDateField, SelectChoice
from tracker.models import Action, ActionStatus, Rag

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in ActionStatus]
RAG_CHOICES = [SelectChoice(rag.value, rag.label) for rag in Rag]


class ProgressForm(VersionedForm):
    """A progress update; the rules (narrative when needed, Blue only when closed) are tracker.domain.progress."""

    status = RadioField("Status", widget=GovRadioInput(), choices=STATUS_CHOICES, validate_choice=False)
    rag = RadioField("RAG rating", widget=GovRadioInput(), choices=RAG_CHOICES, validate_choice=False)
    narrative = TextAreaField(
        "Progress narrative",
        widget=GovCharacterCount(),
        description=(
            f"What has been done and what happens next. Needed for Red, Amber, Complete, No longer required, "
            f"or a rating other than the suggested one. You can enter up to {NARRATIVE_LIMIT:,} characters."
        ),
    )
    evidence_links = TextAreaField(
        "Evidence links (optional)",
        widget=GovTextArea(),
        description="One link per line, starting https://. For example, a report on the council's document system.",
    )
    requested_due_on = GovDateField("Revised due date")
    request_reason = TextAreaField(
        "Reason for the revised due date",
        widget=GovCharacterCount(),
        description=f"You can enter up to {REASON_LIMIT:,} characters.",
    )
    submit = SubmitField("Save progress", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        suggest: Callable[[str], str],
        current_due_on: date | None,
        published_on: date | None,
        today: date,
        **kwargs: Any,
    ) -> None:
        """`suggest` gives the RAG rating suggested for a status; the dates are the action's and its report's."""
        super().__init__(*args, **kwargs)
        self.suggest = suggest
        self.current_due_on = current_due_on
        self.published_on = published_on
        self.today = today

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        update = ProgressInput(
            status=self.status.data or "",
            rag=self.rag.data or "",
            narrative=self.narrative.data or "",
            evidence_links=self.evidence_links.data or "",
            requested_due_on=self.requested_due_on.data,
            request_reason=self.request_reason.data or "",
        )
        suggested = self.suggest(update.status) if update.status in STATUSES else ""
        errors = progress_errors(
            update,
            suggested_rag=suggested,
            current_due_on=self.current_due_on,
            published_on=self.published_on,
            today=self.today,
        )
        for name, message in errors.items():
            field = getattr(self, name)
            if not field.errors:  # a date that is not a real date already says so
                field.errors = [message]
        return valid and not errors

    def progress_data(self) -> dict[str, Any]:
        """What services.record_progress takes."""
        return {
            "status": self.status.data,
            "rag": self.rag.data,
            "narrative": self.narrative.data or "",
            "evidence_links": self.evidence_links.data or "",
            "requested_due_on": self.requested_due_on.data,
            "request_reason": self.request_reason.data or "",
            "version": self.expected_version,
            "seen": self.seen.data or "",
        }


def progress_form_for(action: Action, today: date) -> ProgressForm:
    """The progress form for `action` (as posted, or empty) with what its rules need to know: the signed-in page
    and the email link's page both use it."""
    return ProgressForm(
        suggest=lambda status: suggested_rag(action, status, today),
        current_due_on=action.due_on,
        published_on=action.inspection.published_on,
        today=today,
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("approve", "Approve the revised due date"),
            SelectChoice("decline", "Decline it and keep the current due date"),
        ],
        validators=[DataRequired("Select approve or decline")],
    )
    note = TextAreaField(
        "Note to the owner (optional)",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="Note must be 1,000 characters or fewer")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())


def progress_page(action: Action, form: ProgressForm, today: date, conflict: list[Any] | None = None) -> dict[str, Any]:
    """What both progress pages (signed in, and from a reminder email's link) show around the form: the rating each
    status suggests and the one suggested now, the working days to the due date, a conflict, the text limits."""
    suggestions = {value: Rag(suggested_rag(action, value, today)) for value in STATUSES}
    current_status = ActionStatus(form.status.data) if form.status.data in STATUSES else action.status
    return {
        "action": action,
        "form": form,
        "suggested": suggestions[current_status],
        "suggestions": suggestions,
        "working_days_to_due": working_days_to_due(action, today),
        "conflict": conflict,
        "narrative_limit": NARRATIVE_LIMIT,
        "reason_limit": REASON_LIMIT,
    }
