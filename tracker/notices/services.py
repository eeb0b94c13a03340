"""Telling people when something is theirs to do: actions given to them (one email per person per batch, listing
the actions), a revised due date to decide (to the inspection's programme managers) and the decision (to the
owner, with the reason).

Each person chooses an email at once or a section of their next reminder email (users.notice_preference);
someone who gets no reminder emails is emailed at once. Emails go through the outbox, queued once each by a
dedupe key, in the caller's transaction; notices for the digest wait in `notices`. Flushes, never commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.domain.formatting import format_date
from tracker.extensions import db
from tracker.models import (
    Action,
    DigestPreference,
    DueDateRequestState,
    Notice,
    NoticeKind,
    NoticePreference,
    ProgressUpdate,
    User,
)
from tracker.outbox.queueing import queue_email
from tracker.outbox.urls import UrlBuilder
from tracker.permissions import can_own_actions

TEMPLATE = "notice"
PREFERENCE_TEXT = {
    NoticePreference.IMMEDIATE: "straight away",
    NoticePreference.DIGEST: "in your next reminder email",
}


@dataclass(frozen=True)
class NoticeLine:
    """One thing to tell someone about one action: the sentence, and the action's page."""

    action: Action
    text: str


def wants_digest(person: User) -> bool:
    """Told in the next reminder email (they chose it, and they get reminder emails), else emailed at once."""
    return person.notice_preference == NoticePreference.DIGEST and person.digest_preference != DigestPreference.OFF


def _due_text(action: Action) -> str:
    return f"due {format_date(action.due_on)}" if action.due_on else "no due date yet"


def _deliver(
    person: User, kind: NoticeKind, lines: Sequence[NoticeLine], *, key: str, subject: str, intro: str
) -> bool:
    """Email `person` now, or keep the lines for their next digest; False when the email was queued before."""
    if wants_digest(person):
        db.session.add_all(
            [Notice(user_id=person.id, action_id=line.action.id, kind=kind, text=line.text) for line in lines]
        )
        db.session.flush()
        return True
    url = UrlBuilder()
    items = [{"text": line.text, "url": url("actions.view_action", action_id=line.action.id)} for line in lines]
    return queue_email(
        recipient=person.email,
        subject=subject,
        template=TEMPLATE,
        dedupe_key=key,
        person=person,
        intro=intro,
        items=items,
        preference_text=PREFERENCE_TEXT[NoticePreference.IMMEDIATE],
        settings_url=url("reminders.manage_reminders"),
    )


def tell_new_owners(actions: Iterable[Action], *, actor: User | None) -> int:
    """Tell each new owner of `actions` (already flushed, so their versions have moved) in one email listing
    theirs; nobody is told of an action they gave themselves. Returns how many people were told."""
    by_owner: dict[int, list[Action]] = defaultdict(list)
    owners: dict[int, User] = {}
    for action in actions:
        owner = action.owner
        if owner is None or (actor is not None and owner.id == actor.id) or not can_own_actions(owner):
            continue
        by_owner[owner.id].append(action)
        owners[owner.id] = owner
    by_whom = f"{actor.name} has" if actor is not None else "You have been"
    for owner_id, owned in by_owner.items():
        owned.sort(key=lambda action: action.id)
        first = owned[0]
        lines = [NoticeLine(a, f"{a.reference} {a.title} ({a.inspection.title}, {_due_text(a)})") for a in owned]
        count = len(owned)
        subject = (
            f"Action {first.reference} is now yours: {first.title}"
            if count == 1
            else f"{count} actions are now yours: {first.inspection.title}"
        )
        intro = (
            f"{by_whom} made you the owner of {'this action' if count == 1 else f'these {count} actions'}"
            if actor is not None
            else f"You are now the owner of {'this action' if count == 1 else f'these {count} actions'}"
        )
        # The batch is named by its first action at the version the assignment gave it: the same batch is told
        # once, and a later batch (the version has moved on) is told again.
        key = f"assigned:{owner_id}:{first.id}.{first.version}"
        _deliver(owners[owner_id], NoticeKind.ASSIGNED, lines, key=key, subject=subject, intro=intro)
    return len(by_owner)


def tell_managers_of_request(update: ProgressUpdate) -> int:
    """Tell the inspection's active programme managers that an owner asks for a revised due date."""
    action = update.action
    if update.requested_due_on is None:
        return 0
    asker = update.author.name if update.author else "The owner"
    text = (
        f"{asker} asks for {action.reference} {action.title} to be due {format_date(update.requested_due_on)} "
        f"instead of {format_date(action.due_on, 'no date')} (reason: {update.request_reason})"
    )
    subject = f"Revised due date asked for on {action.reference}: {format_date(update.requested_due_on)}"
    told = 0
    for manager in action.inspection.managers:
        if not manager.active or manager.id == update.author_id:
            continue
        key = f"due-date-request:{update.id}:{manager.id}"
        intro = f"A revised due date is waiting for your decision in {action.inspection.title}"
        lines = [NoticeLine(action, text)]
        told += _deliver(manager, NoticeKind.DUE_DATE_REQUESTED, lines, key=key, subject=subject, intro=intro)
    return told


def tell_owner_of_decision(update: ProgressUpdate, *, actor: User) -> bool:
    """Tell the action's owner that their request was approved or declined, with the reason given."""
    action = update.action
    owner = action.owner
    if owner is None or owner.id == actor.id or not owner.active:
        return False
    approved = update.request_state == DueDateRequestState.APPROVED
    asked = format_date(update.requested_due_on)
    if approved:
        outcome = f"approved: {action.reference} {action.title} is now due {asked}"
    else:
        outcome = f"declined: {action.reference} {action.title} is still due {format_date(action.due_on, 'no date')}"
    reason = update.decision_note.strip().rstrip(".") or "no reason was given"
    text = f"{actor.name} {outcome} (reason: {reason})"
    subject = f"Revised due date {'approved' if approved else 'declined'} for {action.reference}"
    intro = f"Your request to move {action.reference} to {asked} has been decided"
    lines = [NoticeLine(action, text)]
    key = f"due-date-decision:{update.id}"
    return _deliver(owner, NoticeKind.DUE_DATE_DECIDED, lines, key=key, subject=subject, intro=intro)
