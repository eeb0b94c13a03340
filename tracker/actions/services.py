"""Changing the action plan: actions, their order and owners, progress, due-date requests, the plan's
lifecycle and imports. Every change goes through the audit trail; services flush, never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from tracker import clock
from tracker.audit.services import apply_changes, record_change
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.action_order import Direction, moved, next_reference
from tracker.domain.due_dates import DueDatePolicy, default_due_on, timescale_limit
from tracker.domain.plan_lifecycle import DeadlineOutcome, can_move, publication_outcome
from tracker.domain.plan_rows import PlanRow
from tracker.domain.progress import ProgressInput, progress_errors
from tracker.domain.rag import STATUSES, RagRule, suggest_rag
from tracker.domain.working_days import non_working_day_name
from tracker.extensions import db
from tracker.models import (
    Action,
    ActionStatus,
    AuditEvent,
    DeadlineKind,
    DueDateRequestState,
    Inspection,
    PlanImportPreview,
    PlanStatus,
    ProgressUpdate,
    Rag,
    Recommendation,
    Role,
    StatutoryDeadline,
    User,
)
from tracker.numbers import whole_number
from tracker.permissions import ROLES_THAT_OWN_ACTIONS, can_manage_inspection, can_own_actions
from tracker.template_filters import format_date, format_short_date

PROGRESS_NOTE = "Progress update"
EDITABLE_FIELDS = (
    "reference",
    "title",
    "description",
    "owner",
    "lead_agency",
    "start_on",
    "due_on",
    "success_criteria",
)


class ActionConflict(Exception):
    """Someone else changed the action after the form was opened (its version moved on)."""

    def __init__(self, action_id: int) -> None:
        super().__init__(f"Action {action_id} changed since the form was opened")
        self.action_id = action_id


class InvalidProgress(ValueError):
    """A progress update that breaks the rules in tracker.domain.progress."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# Loading -----------------------------------------------------------------------------------------


def get_action_or_404(action_id: int) -> Action:
    query = (
        select(Action)
        .options(joinedload(Action.owner), joinedload(Action.inspection), joinedload(Action.recommendation))
        .where(Action.id == action_id)
    )
    action = db.session.scalars(query).first()
    if action is None:
        abort(404)
    return action


def get_inspection_or_404(inspection_id: int) -> Inspection:
    inspection = db.session.get(Inspection, inspection_id, options=[joinedload(Inspection.managers)])
    if inspection is None:
        abort(404)
    return inspection


def get_recommendation_or_404(recommendation_id: int) -> Recommendation:
    query = (
        select(Recommendation)
        .options(joinedload(Recommendation.inspection).joinedload(Inspection.managers))
        .where(Recommendation.id == recommendation_id)
    )
    recommendation = db.session.scalars(query).first()
    if recommendation is None:
        abort(404)
    return recommendation


def get_progress_update_or_404(action: Action, update_id: int) -> ProgressUpdate:
    update = db.session.get(ProgressUpdate, update_id)
    if update is None or update.action_id != action.id:
        abort(404)
    return update


def can_update_progress(user: User, action: Action) -> bool:
    """The action's owner (unless a viewer), whoever manages its inspection, and administrators."""
    is_owner = action.owner_id == user.id and can_own_actions(user)
    return is_owner or can_manage_inspection(user, action.inspection)


def require_update_progress(user: User, action: Action) -> None:
    if not can_update_progress(user, action):
        abort(403)


def owner_choices(current: User | None = None) -> list[User]:
    """Everyone who can own an action (active, not viewers; by name), and the current owner even if not.

    The current owner stays so that editing other fields does not force a reassignment.
    """
    query = (
        select(User).where(User.active.is_(True), User.role.in_(ROLES_THAT_OWN_ACTIONS)).order_by(User.name, User.id)
    )
    people = list(db.session.scalars(query))
    if current is not None and current not in people:
        people.append(current)
    return people


# Dates and ratings -------------------------------------------------------------------------------


def due_date_policy(inspection: Inspection) -> DueDatePolicy:
    return DueDatePolicy(
        immediate=inspection.immediate_due
        if inspection.immediate_due in ("action_plan", "three_months")
        else "action_plan",
        three_months_months=inspection.three_months_months,
        six_months_months=inspection.six_months_months,
        longer_term_months=inspection.longer_term_months,
        improvement_months=inspection.improvement_months,
    )


def rag_rule(inspection: Inspection) -> RagRule:
    return RagRule(amber_within_working_days=inspection.rag_amber_within_working_days)


def action_plan_deadline(inspection_id: int) -> StatutoryDeadline | None:
    """The inspection's statutory deadline for publishing the action plan, if it has one."""
    query = (
        select(StatutoryDeadline)
        .where(StatutoryDeadline.inspection_id == inspection_id, StatutoryDeadline.kind == DeadlineKind.ACTION_PLAN)
        .order_by(StatutoryDeadline.id)
    )
    return db.session.scalars(query).first()


@dataclass(frozen=True)
class Unactioned:
    """The recommendations with no live action, by number, out of all the inspection's recommendations."""

    numbers: list[str]
    total: int

    def __bool__(self) -> bool:
        return bool(self.numbers)

    @property
    def sentence(self) -> str:
        """ "4 of 7 recommendations have no actions: 3, 5, 6, 7"."""
        count = len(self.numbers)
        verb = "has" if count == 1 else "have"
        noun = "recommendation" if self.total == 1 else "recommendations"
        return f"{count} of {self.total} {noun} {verb} no actions: {', '.join(self.numbers)}"


def recommendations_without_actions(inspection_id: int) -> Unactioned:
    """Recommendations that no live (unarchived) action answers, in plan order."""
    has_action = (
        select(Action.id).where(Action.recommendation_id == Recommendation.id, Action.archived_at.is_(None)).exists()
    )
    rows = db.session.execute(
        select(Recommendation, has_action)
        .where(Recommendation.inspection_id == inspection_id)
        .order_by(Recommendation.position, Recommendation.id)
    ).all()
    return Unactioned([recommendation.shown_number for recommendation, answered in rows if not answered], len(rows))


def default_due_for(recommendation: Recommendation, deadline: StatutoryDeadline | None) -> date | None:
    """The due date a new action under `recommendation` starts with (DESIGN §5)."""
    inspection = recommendation.inspection
    return default_due_on(
        recommendation.timescale.value,
        published_on=inspection.published_on,
        action_plan_due_on=deadline.due_on if deadline else None,
        policy=due_date_policy(inspection),
        holidays=BANK_HOLIDAYS,
    )


@dataclass(frozen=True)
class DueDateWarning:
    """A reason to look again at a due date; a warning, never a reason to refuse it."""

    message: str
    short: str


def due_date_warnings(
    recommendation: Recommendation, due_on: date | None, deadline: StatutoryDeadline | None
) -> list[DueDateWarning]:
    """After the end of its recommendation's timescale, or not a working day."""
    if due_on is None:
        return []
    warnings = []
    inspection = recommendation.inspection
    limit = timescale_limit(
        recommendation.timescale.value,
        published_on=inspection.published_on,
        action_plan_due_on=deadline.due_on if deadline else None,
        policy=due_date_policy(inspection),
    )
    if limit is not None and due_on > limit:
        warnings.append(
            DueDateWarning(
                f"The due date {format_date(due_on)} is after {format_date(limit)}, the end of the timescale "
                f"“{recommendation.timescale.label}”",
                f"After the timescale ends ({format_short_date(limit)})",
            )
        )
    if day := non_working_day_name(due_on, BANK_HOLIDAYS):
        warnings.append(
            DueDateWarning(not_a_working_day(due_on) or "", f"{day[0].upper()}{day[1:]}: not a working day")
        )
    return warnings


def not_a_working_day(due_on: date) -> str | None:
    """A due date's warning when it falls on a weekend or bank holiday (allowed, but rarely meant), naming the day."""
    day = non_working_day_name(due_on, BANK_HOLIDAYS)
    return f"The due date {format_date(due_on)} is a {day}, not a working day" if day else None


def suggested_rag(action: Action, status: str, today: date) -> str:
    """The rating the progress form suggests for `action` moving to `status`."""
    return suggest_rag(
        status=status, due_on=action.due_on, today=today, rule=rag_rule(action.inspection), holidays=BANK_HOLIDAYS
    )


# Building the plan -------------------------------------------------------------------------------


def recommendation_prefix(recommendation: Recommendation) -> str:
    """The number action references start with: the recommendation's own number, or its place in the list."""
    return recommendation.shown_number


def _sibling_references(recommendation_id: int) -> list[str]:
    return list(db.session.scalars(select(Action.reference).where(Action.recommendation_id == recommendation_id)))


def references_in_use(recommendation_id: int, *, except_action_id: int | None = None) -> set[str]:
    """References already used under the recommendation (archived actions included), in lower case."""
    query = select(Action.reference).where(Action.recommendation_id == recommendation_id)
    if except_action_id is not None:
        query = query.where(Action.id != except_action_id)
    return {reference.strip().lower() for reference in db.session.scalars(query)}


def same_action(recommendation_id: int, reference: str, title: str) -> Action | None:
    """An action already under the recommendation with this reference and title (a form sent twice)."""
    query = select(Action).where(
        Action.recommendation_id == recommendation_id,
        func.lower(Action.reference) == reference.strip().lower(),
        Action.title == title.strip(),
    )
    return db.session.scalars(query).first()


def suggested_reference(recommendation: Recommendation) -> str:
    return next_reference(recommendation_prefix(recommendation), _sibling_references(recommendation.id))


def _next_position(recommendation_id: int) -> int:
    highest = db.session.scalar(select(func.max(Action.position)).where(Action.recommendation_id == recommendation_id))
    return 0 if highest is None else highest + 1


def plan_is_agreed(inspection: Inspection) -> bool:
    return inspection.plan_status in (PlanStatus.PUBLISHED, PlanStatus.CLOSED)


def create_action(recommendation: Recommendation, fields: Mapping[str, Any], *, actor: User, note: str = "") -> Action:
    """Add an action at the end of `recommendation`'s list; its first due date is also its original one."""
    values = {name: fields[name] for name in EDITABLE_FIELDS if name in fields}
    reference = (values.pop("reference", "") or "").strip() or suggested_reference(recommendation)
    action = Action(
        recommendation=recommendation,
        inspection_id=recommendation.inspection_id,
        reference=reference,
        position=_next_position(recommendation.id),
        original_due_on=values.get("due_on"),
        **values,
    )
    db.session.add(action)
    db.session.flush()
    record_change(
        actor=actor,
        entity=action,
        field="created",
        old=None,
        new=f"{action.reference} {action.title}",
        inspection_id=action.inspection_id,
        note=note,
    )
    return action


def _check_version(action: Action, expected_version: int | None) -> None:
    if expected_version is not None and action.version != expected_version:
        raise ActionConflict(action.id)


def _flush_or_conflict(action: Action) -> None:
    # A concurrent request can commit between our read and our UPDATE; the version column catches it.
    action_id = action.id  # read first: the failed flush expires the object and the session cannot reload it
    try:
        db.session.flush()
    except StaleDataError:
        raise ActionConflict(action_id) from None


def pending_changes(action: Action, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields in `fields` whose value differs from the action's."""
    changes = {name: fields[name] for name in EDITABLE_FIELDS if name in fields}
    return {name: value for name, value in changes.items() if getattr(action, name) != value}


def update_action(
    action: Action,
    fields: Mapping[str, Any],
    *,
    actor: User,
    expected_version: int | None = None,
    due_on_reason: str = "",
) -> list[str]:
    """Save an edit made on a form opened at `expected_version`; raises ActionConflict if it is stale.

    Before the plan is published its due dates are still proposals, so the original due date
    follows the due date; afterwards it keeps what the published plan said. The reason for a
    new due date is the due date change's audit note, which the progress report prints.
    """
    _check_version(action, expected_version)
    changes = pending_changes(action, fields)
    if "due_on" in changes and not plan_is_agreed(action.inspection):
        changes["original_due_on"] = changes["due_on"]
    due_on = {"due_on": changes.pop("due_on")} if "due_on" in changes else {}
    changed = apply_changes(action, due_on, actor=actor, inspection_id=action.inspection_id, note=due_on_reason.strip())
    changed += apply_changes(action, changes, actor=actor, inspection_id=action.inspection_id)
    if changed:
        _flush_or_conflict(action)
    return changed


def move_action(action: Action, direction: Direction, *, actor: User) -> bool:
    """Swap the action with its neighbour under the same recommendation; False at either end."""
    siblings = list(
        db.session.scalars(
            select(Action)
            .where(Action.recommendation_id == action.recommendation_id, Action.archived_at.is_(None))
            .order_by(Action.position, Action.id)
        )
    )
    order = moved(siblings, action, direction)
    if order == siblings:
        return False
    for position, sibling in enumerate(order):
        apply_changes(sibling, {"position": position}, actor=actor, inspection_id=sibling.inspection_id)
    db.session.flush()
    return True


@dataclass(frozen=True)
class Assigned:
    """What a bulk assignment did: actions that changed owner, and chosen actions the person already owned."""

    newly_owned: int
    already_owned: int


def bulk_assign(
    inspection: Inspection, action_ids: Sequence[int], owner: User, *, actor: User, lead_agency: str = ""
) -> Assigned:
    """Give the chosen actions of `inspection` one owner (and lead agency, if given)."""
    actions = db.session.scalars(
        select(Action).where(
            Action.inspection_id == inspection.id, Action.id.in_(list(action_ids)), Action.archived_at.is_(None)
        )
    )
    changes: dict[str, Any] = {"owner": owner}
    if lead_agency.strip():
        changes["lead_agency"] = lead_agency.strip()
    newly_owned = already_owned = 0
    for action in actions:
        if action.owner_id == owner.id:
            already_owned += 1
        changed = apply_changes(action, changes, actor=actor, inspection_id=inspection.id, note="Assigned with others")
        if "owner" in changed:
            newly_owned += 1
    db.session.flush()
    return Assigned(newly_owned, already_owned)


def has_progress(action: Action) -> bool:
    return (
        db.session.scalar(select(ProgressUpdate.id).where(ProgressUpdate.action_id == action.id).limit(1)) is not None
    )


def delete_action(action: Action, *, actor: User) -> str:
    """Delete an action, or archive it when it has progress history (the history is kept); returns which."""
    if has_progress(action):
        apply_changes(action, {"archived_at": clock.now()}, actor=actor, inspection_id=action.inspection_id)
        db.session.flush()
        return "archived"
    record_change(
        actor=actor,
        entity=action,
        field="deleted",
        old=f"{action.reference} {action.title}",
        new=None,
        inspection_id=action.inspection_id,
    )
    db.session.delete(action)
    db.session.flush()
    return "deleted"


# Progress ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressSubmission:
    """A progress update as submitted, checked against the action it is for."""

    update: ProgressInput
    expected_version: int | None


def _submission(data: Mapping[str, Any]) -> ProgressSubmission:
    version = data.get("version")
    return ProgressSubmission(
        update=ProgressInput(
            status=str(data.get("status") or ""),
            rag=str(data.get("rag") or ""),
            narrative=str(data.get("narrative") or ""),
            evidence_links=str(data.get("evidence_links") or ""),
            requested_due_on=data.get("requested_due_on"),
            request_reason=str(data.get("request_reason") or ""),
        ),
        expected_version=whole_number(str(version)) if version not in (None, "") else None,
    )


def progress_problems(action: Action, data: Mapping[str, Any], today: date) -> dict[str, str]:
    """The rule-breaking parts of a progress update for `action`, by field."""
    update = _submission(data).update
    suggested = suggested_rag(action, update.status, today) if update.status in STATUSES else ""
    return progress_errors(
        update,
        suggested_rag=suggested,
        current_due_on=action.due_on,
        published_on=action.inspection.published_on,
        today=today,
    )


def record_progress(
    action: Action, author: User, data: Mapping[str, Any], via_email_link: bool = False
) -> ProgressUpdate:
    """Append a progress update; it sets the action's status, RAG, completion date and last progress time.

    `data` holds status, rag, narrative, evidence_links, requested_due_on, request_reason and,
    from a form, the action `version` it was opened at (a stale one raises ActionConflict).
    Raises InvalidProgress when the update breaks the rules (tracker.domain.progress).
    """
    submission = _submission(data)
    today = clock.today()
    errors = progress_problems(action, data, today)
    if errors:
        raise InvalidProgress(errors)
    _check_version(action, submission.expected_version)
    update = submission.update
    status, rag = ActionStatus(update.status), Rag(update.rag)
    now = clock.now()
    row = ProgressUpdate(
        action=action,
        author_id=author.id,
        created_at=now,
        status=status,
        rag=rag,
        narrative=update.narrative.strip(),
        evidence_links="\n".join(line.strip() for line in update.evidence_links.splitlines() if line.strip()),
        via_email_link=via_email_link,
        requested_due_on=update.requested_due_on,
        request_reason=update.request_reason.strip() if update.requested_due_on else "",
        request_state=DueDateRequestState.PENDING if update.requested_due_on else None,
    )
    db.session.add(row)
    completed_on = action.completed_on or today if status == ActionStatus.COMPLETE else None
    apply_changes(
        action,
        {"status": status, "rag": rag, "completed_on": completed_on},
        actor=author,
        inspection_id=action.inspection_id,
        note=PROGRESS_NOTE,
    )
    action.last_progress_at = now
    _flush_or_conflict(action)
    return row


def decide_due_date_request(update: ProgressUpdate, *, approve: bool, actor: User, note: str = "") -> None:
    """Approve (the due date moves, the original is kept) or decline a pending revised due date."""
    if update.request_state != DueDateRequestState.PENDING:
        raise ValueError("This request has already been decided")
    action = update.action
    state = DueDateRequestState.APPROVED if approve else DueDateRequestState.DECLINED
    record_change(
        actor=actor,
        entity=update,
        field="request_state",
        old=update.request_state,
        new=state,
        inspection_id=action.inspection_id,
        note=note.strip(),
    )
    update.request_state = state
    update.decided_by_id = actor.id
    update.decided_at = clock.now()
    update.decision_note = note.strip()
    if approve:
        changes: dict[str, Any] = {"due_on": update.requested_due_on}
        if action.original_due_on is None:
            changes["original_due_on"] = action.due_on
        note_text = f"Revised due date approved: {update.request_reason}"
        apply_changes(action, changes, actor=actor, inspection_id=action.inspection_id, note=note_text)
    _flush_or_conflict(action)


# The plan's lifecycle ----------------------------------------------------------------------------


def change_plan_status(
    inspection: Inspection, new_status: PlanStatus, *, actor: User, published_on: date | None = None
) -> DeadlineOutcome | None:
    """Move the plan on; publishing records the date and checks it against the statutory deadline.

    The action-plan deadline is marked met (met_on = the publication date) only when the plan
    was published on or before its due date; a late plan leaves the deadline as it was and shows as missed.
    """
    if not can_move(inspection.plan_status.value, new_status.value):
        raise ValueError(f"A {inspection.plan_status.value} plan cannot become {new_status.value}")
    changes: dict[str, Any] = {"plan_status": new_status}
    if new_status == PlanStatus.CLOSED:
        changes["closed_at"] = clock.now()
    elif new_status == PlanStatus.PUBLISHED and inspection.plan_status == PlanStatus.CLOSED:
        changes["closed_at"] = None
    elif new_status == PlanStatus.PUBLISHED:
        if published_on is None:
            raise ValueError("Publishing a plan needs its publication date")
        changes["plan_published_on"] = published_on
    apply_changes(inspection, changes, actor=actor, inspection_id=inspection.id)
    outcome = None
    if "plan_published_on" in changes:
        outcome = _check_publication_deadline(inspection, published_on, actor)
    db.session.flush()
    return outcome


def _check_publication_deadline(inspection: Inspection, published_on: date, actor: User) -> DeadlineOutcome | None:
    deadline = action_plan_deadline(inspection.id)
    if deadline is None or deadline.due_on is None:
        return None
    outcome = publication_outcome(published_on, deadline.due_on, BANK_HOLIDAYS)
    if outcome.met:
        note = "Action plan published"
        apply_changes(deadline, {"met_on": published_on}, actor=actor, inspection_id=inspection.id, note=note)
    return outcome


# Importing ---------------------------------------------------------------------------------------


def recommendations_by_number(inspection: Inspection) -> dict[str, Recommendation]:
    return {recommendation_prefix(rec): rec for rec in inspection.recommendations}


def _owners_by_email(emails: set[str]) -> dict[str, User]:
    if not emails:
        return {}
    users = db.session.scalars(select(User).where(func.lower(User.email).in_(sorted(emails))))
    return {user.email.lower(): user for user in users}


def known_owner_emails(emails: set[str]) -> tuple[frozenset[str], dict[str, str]]:
    """The emails of people who can own actions, and why each other known email cannot (by email)."""
    owners, refused = set(), {}
    for email, user in _owners_by_email(emails).items():
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


IMPORTED_FIELD = "plan_imported"


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
    return db.session.execute(statement).rowcount == 1


def purge_old_import_previews(now: datetime, *, keep_days: int = 30) -> int:
    """Forget previews shown long ago: an unconfirmed one is uploaded again."""
    statement = delete(PlanImportPreview).where(PlanImportPreview.created_at < now - timedelta(days=keep_days))
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0


def import_rows(inspection: Inspection, rows: Sequence[PlanRow], *, actor: User, filename: str, token: str) -> int:
    """Create an action for each valid row, in file order; a row with progress gets a first progress update.

    The import is recorded on the inspection under the preview's `token`, so it happens once.
    """
    recommendations = recommendations_by_number(inspection)
    owners = _owners_by_email({row.owner_email for row in rows if row.owner_email})
    note = f"Imported from {filename}"
    today = clock.today()
    created = 0
    for row in rows:
        if not row.is_valid:
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
        created += 1
    record_change(
        actor=actor,
        entity=inspection,
        field=IMPORTED_FIELD,
        old=None,
        new=f"{created} action{'' if created == 1 else 's'} from {filename}",
        inspection_id=inspection.id,
        note=_token_note(token),
    )
    db.session.flush()
    return created


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
            action=action, author_id=actor.id, created_at=now, status=status, rag=rag, narrative=row.latest_progress
        )
    )
    completed_on = today if status == ActionStatus.COMPLETE else None
    changes = {"status": status, "rag": rag, "completed_on": completed_on}
    apply_changes(action, changes, actor=actor, inspection_id=action.inspection_id, note=note)
    action.last_progress_at = now


def manages(user: User, inspection: Inspection) -> bool:
    """Template helper: whether `user` may change `inspection`'s plan."""
    return user.is_authenticated and can_manage_inspection(user, inspection)


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN
