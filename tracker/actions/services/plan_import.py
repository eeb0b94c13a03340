"""Importing a plan from a spreadsheet: matching rows to recommendations and owners, the preview's one-time
token (a preview imports once, however often it is confirmed), and creating the actions."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.actions.due_dates import suggested_rag
from tracker.actions.services.editing import create_action, recommendation_prefix
from tracker.audit.services import apply_changes, record_change
from tracker.domain.plan_rows import PlanRow
from tracker.extensions import db, execute_change
from tracker.models import (
    Action,
    ActionStatus,
    AuditEvent,
    Inspection,
    PlanImportPreview,
    ProgressUpdate,
    Rag,
    Recommendation,
    User,
)
from tracker.notices.services import tell_new_owners
from tracker.permissions import can_own_actions

IMPORTED_FIELD = "plan_imported"


def recommendations_by_number(inspection: Inspection) -> dict[str, Recommendation]:
    return {recommendation_prefix(rec): rec for rec in inspection.recommendations}


def owners_by_email(emails: set[str]) -> dict[str, User]:
    if not emails:
        return {}
    users = db.session.scalars(select(User).where(func.lower(User.email).in_(sorted(emails))))
    return {user.email.lower(): user for user in users}


def known_owner_emails(emails: set[str]) -> tuple[frozenset[str], dict[str, str]]:
    """The emails of people who can own actions, and why each other known email cannot (by email)."""
    owners, refused = set(), {}
    for email, user in owners_by_email(emails).items():
        if can_own_actions(user):
            owners.add(email)
        elif not user.active:
            refused[email] = f"{user.name} ({email}) has been deactivated and cannot own actions"
        else:
            refused[email] = f"{user.name} ({email}) is a viewer and cannot own actions"
    return frozenset(owners), refused


def existing_references(inspection: Inspection) -> frozenset[tuple[str, str]]:
    """(recommendation number, action reference) for the actions already in the plan."""
    numbers = {rec.id: recommendation_prefix(rec) for rec in inspection.recommendations}
    rows = db.session.execute(
        select(Action.recommendation_id, Action.reference).where(Action.inspection_id == inspection.id)
    )
    return frozenset((numbers.get(rec_id, ""), reference) for rec_id, reference in rows)


def new_import_token(inspection: Inspection, user: User) -> str:
    """A preview's one-time token, stored as a hash: the confirm that imports the preview spends it."""
    token = secrets.token_urlsafe(16)
    db.session.add(
        PlanImportPreview(
            inspection_id=inspection.id, user_id=user.id, token_hash=_hash_import_token(token), created_at=clock.now()
        )
    )
    return token


def _hash_import_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_note(token: str) -> str:
    return f"Import reference {token}"


def earlier_import(inspection: Inspection, token: str) -> AuditEvent | None:
    """The import already confirmed from the preview with `token`, if any."""
    query = select(AuditEvent).where(
        AuditEvent.entity_type == Inspection.__tablename__,
        AuditEvent.entity_id == inspection.id,
        AuditEvent.field == IMPORTED_FIELD,
        AuditEvent.note == _token_note(token),
    )
    return db.session.scalars(query.options(joinedload(AuditEvent.actor))).first()


def spend_import_token(inspection: Inspection, token: str) -> bool:
    """Spend the preview's token, once: one conditional update that only one of two confirms sent at once can
    win (the other waits for the winner's transaction, then finds the token spent). False when it was already
    spent, or never issued for this inspection. The inspection's row is locked first, so that imports into one
    plan (of different previews too) take turns in numbering their actions."""
    db.session.execute(select(Inspection.id).where(Inspection.id == inspection.id).with_for_update())
    statement = (
        update(PlanImportPreview)
        .where(
            PlanImportPreview.token_hash == _hash_import_token(token),
            PlanImportPreview.inspection_id == inspection.id,
            PlanImportPreview.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return execute_change(statement).rowcount == 1


def purge_old_import_previews(now: datetime, *, keep_days: int = 30) -> int:
    """Forget previews shown long ago: an unconfirmed one is uploaded again."""
    statement = delete(PlanImportPreview).where(PlanImportPreview.created_at < now - timedelta(days=keep_days))
    return execute_change(statement.execution_options(synchronize_session=False)).rowcount or 0


def import_rows(inspection: Inspection, rows: Sequence[PlanRow], *, actor: User, filename: str) -> int:
    """Create an action for each valid row that names no action of the plan, in file order; a row with progress
    gets a first progress update."""
    recommendations = recommendations_by_number(inspection)
    owners = owners_by_email({row.owner_email for row in rows if row.owner_email})
    note = f"Imported from {filename}"
    today = clock.today()
    created: list[Action] = []
    for row in rows:
        if not row.is_valid or row.action_id is not None:
            continue
        action = create_action(
            recommendations[row.recommendation],
            {
                "reference": row.reference,
                "title": row.title,
                "description": row.description,
                "owner": owners.get(row.owner_email),
                "lead_agency": row.lead_agency,
                "start_on": row.start_on,
                "due_on": row.due_on,
                "success_criteria": row.success_criteria,
            },
            actor=actor,
            note=note,
        )
        _import_progress(action, row, actor=actor, today=today, note=note)
        created.append(action)
    db.session.flush()
    tell_new_owners(created, actor=actor)
    return len(created)


def import_summary(created: int, updated: int) -> str:
    """ "3 actions", "1 action added and 2 updated", "2 actions updated"."""
    if not updated:
        return f"{created} action{'' if created == 1 else 's'}"
    if not created:
        return f"{updated} action{'' if updated == 1 else 's'} updated"
    return f"{created} action{'' if created == 1 else 's'} added and {updated} updated"


def record_import(inspection: Inspection, *, actor: User, summary: str, filename: str, token: str) -> None:
    """The import, recorded on the inspection under the preview's `token`, so that it happens once."""
    record_change(
        actor=actor,
        entity=inspection,
        field=IMPORTED_FIELD,
        old=None,
        new=f"{summary} from {filename}",
        inspection_id=inspection.id,
        note=_token_note(token),
    )
    db.session.flush()


def _import_progress(action: Action, row: PlanRow, *, actor: User, today: date, note: str) -> None:
    """A row's status, RAG and latest progress become the action's first progress update, as if typed in
    the progress form, so the history says where they came from. A blank RAG is the suggested one."""
    if not row.has_progress:
        return
    status = ActionStatus(row.status)
    rag = Rag(row.rag) if row.rag else Rag(suggested_rag(action, row.status, today))
    now = clock.now()
    db.session.add(
        ProgressUpdate(
            action=action,
            inspection_id=action.inspection_id,
            author_id=actor.id,
            created_at=now,
            status=status,
            rag=rag,
            narrative=row.latest_progress,
            via_spreadsheet=True,
        )
    )
    completed_on = today if status == ActionStatus.COMPLETE else None
    changes = {"status": status, "rag": rag, "completed_on": completed_on}
    apply_changes(action, changes, actor=actor, inspection_id=action.inspection_id, note=note)
    action.last_progress_at = now
