"""What the reminder emails say, built from plain facts: digests, escalations, summaries, alerts.

DESIGN §6. Everything here takes its world as arguments (today, the bank holidays, settings) and
returns data; the services load the facts and queue the emails.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from tracker.domain.formatting import format_date, format_long_date
from tracker.domain.vocabulary import ActionStatus
from tracker.domain.working_days import is_working_day, working_days_between

DAILY: Final = "daily"
WEEKLY: Final = "weekly"
OFF: Final = "off"
DIGEST_PREFERENCES: Final = (DAILY, WEEKLY, OFF)

STATUTORY_ALERT_WORKING_DAYS: Final = (10, 5, 1)


@dataclass(frozen=True)
class DigestSettings:
    """The thresholds a council may change (config.py)."""

    due_soon_working_days: int = 10
    escalation_working_days: int = 10
    stale_update_weeks: int = 6


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str
    active: bool
    digest_preference: str
    line_manager_id: int | None = None
    # False for a viewer, who owns no action and may not record progress: their emails offer no update link.
    can_record_progress: bool = True


@dataclass(frozen=True)
class ActionFacts:
    """One open action as the reminders see it."""

    action_id: int
    reference: str
    title: str
    inspection_id: int
    inspection_title: str
    owner_id: int | None
    due_on: date | None
    status: str = ActionStatus.IN_PROGRESS
    rag: str | None = None
    timescale: str = ""
    # The day of the latest progress update, or the day the action was created when it has none.
    last_progress_on: date | None = None
    owner_name: str = ""
    # False when `last_progress_on` is the day the action was added: it has never had an update.
    progress_recorded: bool = True

    @property
    def no_progress_text(self) -> str:
        """'No progress recorded since 2 November 2026', or 'No progress recorded yet (added 29 July
        2026)' for an action never updated: its creation day is not a day of progress."""
        if self.last_progress_on is None:
            return "No progress recorded yet"
        shown = format_date(self.last_progress_on)
        if not self.progress_recorded:
            return f"No progress recorded yet (added {shown})"
        return f"No progress recorded since {shown}"


@dataclass(frozen=True)
class DigestItem:
    action: ActionFacts
    # Negative when overdue: working_days_between(today, due_on); None without a due date.
    working_days_to_due: int | None
    needs_update: bool = False

    @property
    def working_days_overdue(self) -> int:
        return -self.working_days_to_due if self.working_days_to_due is not None and self.working_days_to_due < 0 else 0


# The kinds of notice a digest tells, in the order it tells them (tracker.models.NoticeKind's values).
NOTICE_KINDS: Final = ("assigned", "due_date_requested", "due_date_decided")
NOTICE_HEADINGS: Final = {
    "assigned": "Newly assigned to you",
    "due_date_requested": "Revised due dates for you to decide",
    "due_date_decided": "Decisions on your revised due dates",
}


@dataclass(frozen=True)
class NoticeFacts:
    """Something a person chose to be told in their digest rather than at once."""

    notice_id: int
    user_id: int
    kind: str
    text: str
    action_id: int


@dataclass(frozen=True)
class Digest:
    """One person's email for one day; empty means no email."""

    person: Person
    day: date
    overdue: tuple[DigestItem, ...] = ()
    due_soon: tuple[DigestItem, ...] = ()
    needs_update: tuple[DigestItem, ...] = ()
    escalated: tuple[DigestItem, ...] = ()
    notices: tuple[NoticeFacts, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.needs_update or self.escalated or self.notices)

    @property
    def notice_sections(self) -> list[tuple[str, list[NoticeFacts]]]:
        """(heading, notices) for each kind the digest has, in NOTICE_KINDS order."""
        sections = [(NOTICE_HEADINGS[kind], [n for n in self.notices if n.kind == kind]) for kind in NOTICE_KINDS]
        return [(heading, notices) for heading, notices in sections if notices]

    @property
    def own_items(self) -> tuple[DigestItem, ...]:
        """The person's own actions, each of which gets an update link."""
        return self.overdue + self.due_soon + self.needs_update

    @property
    def subject(self) -> str:
        return digest_subject(self)


def is_digest_day(preference: str, day: date, holidays: Container[date], *, first_run_of_week: bool) -> bool:
    """Daily: every working day. Weekly: the week's first digest run (Monday, or the next working
    day when Monday is a bank holiday or the scheduler was down). Off: never."""
    if preference not in DIGEST_PREFERENCES:
        raise ValueError(f"Unknown digest preference {preference!r}")
    if preference == OFF or not is_working_day(day, holidays):
        return False
    return preference == DAILY or first_run_of_week


def why_no_digest(person: Person, day: date, holidays: Container[date], *, first_run_of_week: bool) -> str | None:
    """Why `person` gets no digest on `day`, in the third person for a preview; None when they get one."""
    if not person.active:
        return "their account is inactive"
    if not is_working_day(day, holidays):
        return f"{format_long_date(day)} is not a working day"
    if person.digest_preference == OFF:
        return "they have turned reminders off"
    if not is_digest_day(person.digest_preference, day, holidays, first_run_of_week=first_run_of_week):
        return "they get reminders once a week, on the week's first working day"
    return None


def digest_item(action: ActionFacts, today: date, holidays: Container[date], settings: DigestSettings) -> DigestItem:
    days = working_days_between(today, action.due_on, holidays) if action.due_on else None
    stale_before = today - timedelta(weeks=settings.stale_update_weeks)
    stale = action.last_progress_on is None or action.last_progress_on <= stale_before
    return DigestItem(action=action, working_days_to_due=days, needs_update=stale)


def build_digests(
    people: Iterable[Person],
    actions: Iterable[ActionFacts],
    *,
    today: date,
    holidays: Container[date],
    settings: DigestSettings,
    first_run_of_week: bool,
    only_due: bool = True,
    notices: Iterable[NoticeFacts] = (),
) -> list[Digest]:
    """The digests to send today, one per active person with something to say, in user id order
    (with `only_due` off: whatever each person's digest would say, for a preview).

    Own actions: overdue (most overdue first), due within `due_soon_working_days` (soonest first),
    and the rest with no progress update for `stale_update_weeks` ("needs an update"). A line
    manager also gets their reports' actions overdue by more than `escalation_working_days`. `notices` waiting
    for each person's digest come first ("Newly assigned to you", decisions).
    """
    by_id = {person.user_id: person for person in people}
    own: dict[int, list[DigestItem]] = {}
    escalated: dict[int, list[DigestItem]] = {}
    for action in actions:
        if action.owner_id is None:
            continue
        item = digest_item(action, today, holidays, settings)
        own.setdefault(action.owner_id, []).append(item)
        manager_id = _line_manager_id(by_id.get(action.owner_id))
        if manager_id is not None and item.working_days_overdue > settings.escalation_working_days:
            escalated.setdefault(manager_id, []).append(item)
    told: dict[int, list[NoticeFacts]] = {}
    for notice in notices:
        told.setdefault(notice.user_id, []).append(notice)
    digests = []
    for user_id in sorted(set(own) | set(escalated) | set(told)):
        person = by_id.get(user_id)
        if person is None:
            continue
        due = person.active and is_digest_day(
            person.digest_preference, today, holidays, first_run_of_week=first_run_of_week
        )
        if only_due and not due:
            continue
        digest = _digest_for(person, today, own.get(user_id, []), escalated.get(user_id, []), settings)
        digest = replace(digest, notices=tuple(sorted(told.get(user_id, []), key=lambda n: n.notice_id)))
        if not digest.is_empty:
            digests.append(digest)
    return digests


def _line_manager_id(person: Person | None) -> int | None:
    if person is None or person.line_manager_id == person.user_id:
        return None
    return person.line_manager_id


def _digest_for(
    person: Person, today: date, own: list[DigestItem], escalated: list[DigestItem], settings: DigestSettings
) -> Digest:
    overdue = [item for item in own if item.working_days_overdue > 0]
    due_soon = [
        item
        for item in own
        if item.working_days_to_due is not None
        and item.working_days_overdue == 0
        and item.working_days_to_due <= settings.due_soon_working_days
    ]
    listed = {item.action.action_id for item in overdue + due_soon}
    needs_update = [item for item in own if item.needs_update and item.action.action_id not in listed]
    return Digest(
        person=person,
        day=today,
        overdue=tuple(sorted(overdue, key=most_overdue_first)),
        due_soon=tuple(sorted(due_soon, key=_soonest_first)),
        needs_update=tuple(sorted(needs_update, key=_longest_without_update_first)),
        escalated=tuple(sorted(escalated, key=most_overdue_first)),
    )


_ReferenceOrder = tuple[tuple[int, int, str], ...]


def reference_order(reference: str) -> _ReferenceOrder:
    """Sort key for action references in reading order: 3.1 before 12.1, 2.2 before 2.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\s]+", reference))


def most_overdue_first(item: DigestItem) -> tuple[int, _ReferenceOrder, int]:
    return (-item.working_days_overdue, reference_order(item.action.reference), item.action.action_id)


def _soonest_first(item: DigestItem) -> tuple[int, _ReferenceOrder, int]:
    return (item.working_days_to_due or 0, reference_order(item.action.reference), item.action.action_id)


def _longest_without_update_first(item: DigestItem) -> tuple[date, _ReferenceOrder, int]:
    key = (reference_order(item.action.reference), item.action.action_id)
    return (item.action.last_progress_on or date.min, *key)


def count_phrase(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def digest_subject(digest: Digest) -> str:
    """'2 overdue actions, 1 due soon' – the counts first so the inbox line says it all."""
    parts = []
    kinds = [notice.kind for notice in digest.notices]
    if assigned := kinds.count("assigned"):
        parts.append(count_phrase(assigned, "action") + " newly assigned to you")
    if asked := kinds.count("due_date_requested"):
        parts.append(count_phrase(asked, "revised due date") + " to decide")
    if decided := kinds.count("due_date_decided"):
        parts.append(count_phrase(decided, "decision") + " on your revised due dates")
    if digest.overdue:
        parts.append(count_phrase(len(digest.overdue), "overdue action"))
    if digest.due_soon:
        parts.append(count_phrase(len(digest.due_soon), "action") + " due soon")
    if digest.needs_update:
        verb = " needs" if len(digest.needs_update) == 1 else " need"
        parts.append(count_phrase(len(digest.needs_update), "action") + verb + " an update")
    if digest.escalated:
        parts.append(count_phrase(len(digest.escalated), "overdue action") + " in your team")
    return "Your actions: " + ", ".join(parts)


# Statutory alerts ------------------------------------------------------------------------------


def statutory_alert_threshold(
    today: date, due_on: date, holidays: Container[date], thresholds: Sequence[int] = STATUTORY_ALERT_WORKING_DAYS
) -> int | None:
    """The alert owed today for a deadline: the tightest threshold (10, 5, 1 working days) that the
    remaining working days have reached, or None when it is further off, due today or passed.

    Keyed by threshold, so a scheduler that was down when the 5-day alert fell due still sends it
    (saying how many days are really left) and never sends one threshold twice.
    """
    remaining = working_days_between(today, due_on, holidays)
    if remaining < 1:
        return None
    reached = [threshold for threshold in thresholds if remaining <= threshold]
    return min(reached) if reached else None


# Update requests before a meeting -------------------------------------------------------------


def update_request_due(today: date, meets_on: date, holidays: Container[date], lead_working_days: int) -> bool:
    """True from `lead_working_days` working days before a meeting until the day before it."""
    return 0 < working_days_between(today, meets_on, holidays) <= lead_working_days


def needs_update_since(action: ActionFacts, since: date | None) -> bool:
    """No progress update on or after `since` (with no `since`: no update at all)."""
    if action.last_progress_on is None:
        return True
    return since is not None and action.last_progress_on < since


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())
