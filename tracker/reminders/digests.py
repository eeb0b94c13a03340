"""Daily digests: each person's overdue, due-soon and needing-an-update actions, with escalations to line
managers; the preview of a digest; and each person's choice of how often to get one.

Who gets what is decided by `tracker.domain.digest`; this module loads the facts, queues the
emails once each (`tracker.outbox.queueing`) and flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update

from tracker.audit.services import apply_changes
from tracker.clock import BANK_HOLIDAYS
from tracker.domain import digest as rules
from tracker.domain.formatting import format_date
from tracker.extensions import db
from tracker.models import DigestPreference, EmailState, JobRun, Notice, NoticePreference, OutboxEmail, User
from tracker.outbox.queueing import EmailRenderer, NewEmail, PreparedEmail, QueueCounts, queue_once
from tracker.outbox.services import withdraw_emails
from tracker.reminders.facts import digest_settings, load_people, load_reminder_actions, load_waiting_notices
from tracker.reminders.links import UrlBuilder, issue_links, link_expires_on

DIGEST_JOB = "daily_digest"
TEMPLATE = "digest"
PREFERENCE_TEXT = {
    DigestPreference.DAILY.value: "every working day when you have something overdue, due soon or needing an update",
    DigestPreference.WEEKLY.value: "on Mondays when you have something overdue, due soon or needing an update",
    DigestPreference.OFF.value: "never: you have turned reminders off",
}


def digest_key(digest: rules.Digest) -> str:
    return f"digest:{digest.person.user_id}:{digest.day.isoformat()}"


def first_digest_run_of_week(today: date) -> bool:
    """True unless the daily digest already ran on an earlier day of this week (weekly people get
    theirs at the week's first run: Monday, or later when Monday was a holiday or missed)."""
    monday = rules.week_start(today)
    query = select(func.count()).where(JobRun.job == DIGEST_JOB, JobRun.run_on >= monday, JobRun.run_on < today)
    return not db.session.scalar(query)


def plan_digests(today: date, *, first_run_of_week: bool) -> list[rules.Digest]:
    """Today's digests, decided from the database (three queries)."""
    settings = digest_settings()
    people = load_people()
    actions = load_reminder_actions(today, settings, people)
    return rules.build_digests(
        people.values(),
        actions,
        today=today,
        holidays=BANK_HOLIDAYS,
        settings=settings,
        first_run_of_week=first_run_of_week,
        notices=load_waiting_notices(),
    )


def queue_digests(
    digests: Sequence[rules.Digest], today: date, now: datetime, *, dry_run: bool = False
) -> QueueCounts[rules.Digest]:
    """Queue each digest with its update links, skipping any already queued (a fixed number of queries)."""

    def write(new: Sequence[rules.Digest]) -> list[NewEmail]:
        tokens = issue_links(
            (
                (item.action.action_id, d.person.user_id)
                for d in new
                if d.person.can_record_progress
                for item in d.own_items
            ),
            today,
            now,
        )
        emails = DigestEmails(today)
        return [emails.email(digest, tokens) for digest in new]

    counts = queue_once(TEMPLATE, digests, key=digest_key, write=write, now=now, dry_run=dry_run)
    counts.details = {
        "overdue_actions": sum(len(d.overdue) for d in counts.new),
        "due_soon_actions": sum(len(d.due_soon) for d in counts.new),
        "needs_update_actions": sum(len(d.needs_update) for d in counts.new),
        "escalated_actions": sum(len(d.escalated) for d in counts.new),
    }
    counts.details["notices"] = sum(len(d.notices) for d in counts.new)
    if counts.new and not dry_run:
        mark_notices_told(counts.new)
        counts.details["withdrawn_older_digests"] = withdraw_older_digests(counts.new, today)
    return counts


def mark_notices_told(digests: Sequence[rules.Digest]) -> None:
    """Record which digest told each notice, so that the next one does not tell it again (one statement)."""
    rows = [{"id": n.notice_id, "digest_key": digest_key(d)} for d in digests for n in d.notices]
    if rows:
        db.session.execute(update(Notice), rows)


def withdraw_older_digests(digests: Sequence[rules.Digest], today: date) -> int:
    """Withdraw the still-queued digests from days before `today` of the people in `digests` (two queries).

    Today's digest lists everything still owed, so after a mail outage each person gets one
    digest, not one for every day the server was down (DESIGN §6, issue 5 requirement 4).
    """
    people = {digest.person.user_id for digest in digests}
    if not people:
        return 0
    queued = db.session.execute(
        select(OutboxEmail.id, OutboxEmail.dedupe_key).where(
            OutboxEmail.state == EmailState.QUEUED, OutboxEmail.dedupe_key.startswith("digest:")
        )
    )
    older = []
    for email_id, key in queued:
        _, user_id, day = key.split(":")
        if int(user_id) in people and date.fromisoformat(day) < today:
            older.append(email_id)
    reason = f"Withdrawn, not sent: replaced by the digest for {format_date(today)}, which lists everything still owed"
    return withdraw_emails(older, reason)


class DigestEmails:
    """Writes digests; URLs are built once per action without a request."""

    def __init__(self, today: date) -> None:
        self._url = UrlBuilder()
        self._common = {
            "reminders_url": self._url("reminders.manage_reminders"),
            "link_expires_on": link_expires_on(today),
            "settings": digest_settings(),
        }

    def email(self, digest: rules.Digest, tokens: dict[tuple[int, int], str] | None) -> NewEmail:
        """The digest's email; with no `tokens` (a preview) it has no update links."""
        user_id = digest.person.user_id
        update_links = {}
        if tokens is not None and digest.person.can_record_progress:
            update_links = {
                item.action.action_id: self._url.with_value(
                    "reminders.update_from_email", "token", tokens[(item.action.action_id, user_id)]
                )
                for item in digest.own_items
            }
        action_urls = {
            item.action.action_id: self._url.with_value("actions.view_action", "action_id", item.action.action_id)
            for item in digest.own_items + digest.escalated
        }
        notice_urls = {
            n.notice_id: self._url.with_value("actions.view_action", "action_id", n.action_id) for n in digest.notices
        }
        context = {
            "digest": digest,
            "update_links": update_links,
            "action_urls": action_urls,
            "notice_urls": notice_urls,
            "preference_text": PREFERENCE_TEXT[digest.person.digest_preference],
            **self._common,
        }
        return NewEmail(digest_key(digest), digest.person.email, digest.subject, context)


@dataclass(frozen=True)
class Preview:
    person: rules.Person
    digest: rules.Digest | None
    email: PreparedEmail | None
    # Why the person would not get it on that day, or None when they would.
    not_sent_because: str | None

    @property
    def would_send(self) -> bool:
        return self.digest is not None and self.not_sent_because is None


def preview_digest(user: User, today: date) -> Preview:
    """What `user`'s digest for `today` says, and whether they would get it (no links are issued)."""
    settings = digest_settings()
    people = load_people()
    person = people[user.id]
    team = [p.user_id for p in people.values() if p.line_manager_id == user.id and p.user_id != user.id]
    actions = load_reminder_actions(today, settings, people, owner_ids=[user.id, *team])
    candidates = rules.build_digests(
        people.values(),
        actions,
        today=today,
        holidays=BANK_HOLIDAYS,
        settings=settings,
        first_run_of_week=True,
        only_due=False,
        notices=load_waiting_notices(user_ids=[user.id]),
    )
    digest = next((d for d in candidates if d.person.user_id == user.id), None)
    first_run = first_digest_run_of_week(today)
    reason = rules.why_no_digest(person, today, BANK_HOLIDAYS, first_run_of_week=first_run)
    email = EmailRenderer(TEMPLATE).render(DigestEmails(today).email(digest, None)) if digest else None
    return Preview(person=person, digest=digest, email=email, not_sent_because=reason)


def set_digest_preference(user: User, preference: str, *, actor: User, notices: str | None = None) -> bool:
    """Change how often `user` gets a digest and, with `notices`, whether they are told of what is newly theirs at
    once or in it; recorded in the history."""
    changes: dict[str, object] = {"digest_preference": DigestPreference(preference)}
    if notices is not None:
        changes["notice_preference"] = NoticePreference(notices)
    return bool(apply_changes(user, changes, actor=actor))
