"""One loader for each record a URL names by id.

A loader raises NoResultFound when there is no such record, and the app's one error handler answers
404 (tracker.errors); services never abort. A record that belongs to a parent (a deadline to its
inspection, a progress update to its action) is looked for under that parent, so an id from another
inspection is not found either.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.models import (
    Action,
    ChecklistItem,
    ImportDraft,
    Inspection,
    Meeting,
    OutboxEmail,
    ProgressReport,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    User,
)


def _not_under(kind: str, record_id: int) -> NoResultFound:
    return NoResultFound(f"No {kind} {record_id} here")


def load_inspection(inspection_id: int) -> Inspection:
    """The inspection with the people who run it (every permission check reads them), joined: one round trip to
    the database rather than two, on every inspection page."""
    return db.session.get_one(Inspection, inspection_id, options=[joinedload(Inspection.managers)])


def load_action(action_id: int) -> Action:
    """The action with its owner, recommendation and inspection (and the inspection's managers)."""
    query = (
        select(Action)
        .options(
            joinedload(Action.owner),
            joinedload(Action.inspection).joinedload(Inspection.managers),
            joinedload(Action.recommendation),
        )
        .where(Action.id == action_id)
    )
    return db.session.scalars(query).unique().one()


def load_recommendation(recommendation_id: int, *, inspection: Inspection | None = None) -> Recommendation:
    """The recommendation with its inspection; under `inspection` when given."""
    query = (
        select(Recommendation)
        .options(joinedload(Recommendation.inspection).joinedload(Inspection.managers))
        .where(Recommendation.id == recommendation_id)
    )
    if inspection is not None:
        query = query.where(Recommendation.inspection_id == inspection.id)
    return db.session.scalars(query).unique().one()


def load_progress_update(action: Action, update_id: int) -> ProgressUpdate:
    update = db.session.get(ProgressUpdate, update_id)
    if update is None or update.action_id != action.id:
        raise _not_under("progress update", update_id)
    return update


def load_deadline(inspection: Inspection, deadline_id: int) -> StatutoryDeadline:
    deadline = db.session.get(StatutoryDeadline, deadline_id)
    if deadline is None or deadline.inspection_id != inspection.id:
        raise _not_under("deadline", deadline_id)
    return deadline


def load_checklist_item(deadline: StatutoryDeadline, item_id: int) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.deadline_id != deadline.id:
        raise _not_under("checklist item", item_id)
    return item


def load_meeting(inspection: Inspection, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.inspection_id != inspection.id:
        raise _not_under("meeting", meeting_id)
    return meeting


def find_import_draft(draft_id: int) -> ImportDraft | None:
    """The import under review, or None when it was saved or discarded."""
    return db.session.get(ImportDraft, draft_id)


def load_import_draft(draft_id: int) -> ImportDraft:
    return db.session.get_one(ImportDraft, draft_id)


def load_report(report_id: int) -> ProgressReport:
    """The progress report with its inspection and the inspection's managers."""
    query = (
        select(ProgressReport)
        .options(selectinload(ProgressReport.inspection).selectinload(Inspection.managers))
        .where(ProgressReport.id == report_id)
    )
    return db.session.scalars(query).one()


def load_user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def load_outbox_email(email_id: int) -> OutboxEmail:
    return db.session.get_one(OutboxEmail, email_id)
