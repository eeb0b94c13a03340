"""The outbox: email queued in the caller's transaction (`tracker.outbox.queueing`), claimed and settled by the
sender, and read and retried on the admin pages.

States (EmailState): queued → sending (claimed by one sender) → sent, or back to queued with a
later `send_after` after a temporary failure, or failed (permanent refusal, too many attempts,
or a sender that stopped mid-send: at most once means such a row is never re-sent by itself), or
withdrawn while still queued when a newer email replaces it (a person's older digests).
With no MAIL_SERVER configured nothing is sent: rows stay queued and the admin Outbox page is
the mailbox.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from flask import current_app
from sqlalchemy import BindParameter, Integer, Select, Table, Update, bindparam, func, select, update

from tracker.audit.services import record_change
from tracker.extensions import db, execute_change
from tracker.models import EmailState, OutboxEmail, User

PAGE_SIZE = 50
# How `last_error` begins on rows left queued because the mail server could not be reached.
CONNECTION_ERROR = "Could not reach the mail server: "
# Pages that a link in an email opens as its recipient, without a password.
PERSONAL_LINK_ENDPOINTS = (
    "reminders.update_from_email",
    "reminders.calendar_feed",
    "auth.set_password",
    "auth.reset_password",
)
HIDDEN_LINK = "[personal link hidden]"
# The sender's claims are on the table itself (typed: the declarative __table__ is typed as a FromClause).
OUTBOX = cast(Table, OutboxEmail.__table__)


# The sender's side --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimedEmail:
    id: int
    recipient: str
    subject: str
    text_body: str
    html_body: str
    attempts: int


def due_count(now: datetime) -> int:
    query = select(func.count()).where(OutboxEmail.state == EmailState.QUEUED, OutboxEmail.send_after <= now)
    return db.session.scalar(query) or 0


def list_due_emails(now: datetime, *, limit: int = 50) -> list[OutboxEmail]:
    """The queued emails the sender would send now, in the order it would send them."""
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.state == EmailState.QUEUED, OutboxEmail.send_after <= now)
        .order_by(OutboxEmail.send_after, OutboxEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def claim_due_emails(now: datetime, sender: str, limit: int, *, sent: Sequence[int] = ()) -> list[ClaimedEmail]:
    """Atomically take up to `limit` due emails for `sender`, in the order they are due ([] when none is), having
    first recorded the emails `sent` (the previous batch) as sent.

    PostgreSQL does it all in one statement: it locks the candidates, skipping rows another sender holds (FOR
    UPDATE SKIP LOCKED), in a MATERIALIZED common table expression, run once, before the UPDATE (a LIMIT subquery
    inside the UPDATE could be run again for each row, each time skipping the rows just locked, and claim them
    all), and records `sent` in another, one round trip where there were three. The statement is built once per
    process with its values as parameters (building it for each claim of ten cost half a millisecond of CPU; issue 17).
    SQLite serialises writers, and the `state = 'queued'` condition on the UPDATE makes a lost race claim nothing:
    the candidates are read before this sender holds the write lock (the driver begins its transaction at the first
    write), so another sender may take them first. The UPDATE that claimed nothing took the lock, so reading the
    candidates again sees every other claim and cannot lose; an empty claim means an empty queue, never a lost race
    (the sender stops at an empty claim).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        values = {"now": now, "sender": sender, "limit": limit, "sent": list(sent)}
        rows = db.session.execute(_claim_on_postgresql(settle=bool(sent)), values).all()
    else:
        mark_sent(sent, now)
        rows = []
        while not rows:
            ids = list(db.session.scalars(claim_candidates(now, limit)))
            if not ids:
                return []
            claim = _claim().where(OUTBOX.c.id.in_(ids))
            rows = db.session.execute(claim, {"now": now, "sender": sender}).all()
    return [ClaimedEmail(*row[:6]) for row in sorted(rows, key=lambda row: (row.send_after, row.id))]


def _claim() -> Update:
    """The UPDATE that claims queued emails for the sender named by the parameter `sender` at `now`, returning what
    the sender needs; on the table, as the sender uses nothing of the ORM's."""
    outbox = OUTBOX.c
    return (
        update(OUTBOX)
        .where(outbox.state == EmailState.QUEUED)
        .values(
            state=EmailState.SENDING,
            claimed_at=bindparam("now", type_=outbox.claimed_at.type),
            claimed_by=bindparam("sender", type_=outbox.claimed_by.type),
            attempts=outbox.attempts + 1,
        )
        .returning(
            outbox.id,
            outbox.recipient,
            outbox.subject,
            outbox.text_body,
            outbox.html_body,
            outbox.attempts,
            outbox.send_after,
        )
    )


@cache
def _claim_on_postgresql(*, settle: bool) -> Update:
    """`_claim` of the next `limit` due emails (parameters `now` and `limit`), locked in a MATERIALIZED CTE, and with
    `settle` the emails whose ids are the parameter `sent` recorded as sent in another CTE."""
    outbox = OUTBOX.c
    now = bindparam("now", type_=outbox.send_after.type)
    candidates = claim_candidates(now, bindparam("limit", type_=Integer)).cte("candidates").prefix_with("MATERIALIZED")
    claim = _claim().where(outbox.id.in_(select(candidates.c.id)))
    if settle:
        settled = (
            update(OUTBOX)
            .where(outbox.id.in_(bindparam("sent", expanding=True)), outbox.state == EmailState.SENDING)
            .values(state=EmailState.SENT, sent_at=now, last_error="")
        )
        claim = claim.add_cte(settled.cte("settled"))
    return claim


def claim_candidates(now: datetime | BindParameter[datetime], limit: int | BindParameter[int]) -> Select[int]:
    """The next `limit` due emails' ids, read in the order of the index ix_outbox_emails_state_send_after_id, so
    that a claim reads the rows it takes rather than sorting the whole queue (issue 17); `now` and `limit` are
    values, or parameters of a statement built once."""
    outbox = OUTBOX.c
    candidates = (
        select(outbox.id)
        .where(outbox.state == EmailState.QUEUED, outbox.send_after <= now)
        .order_by(outbox.send_after, outbox.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    return candidates


def release_claims(email_ids: Sequence[int]) -> None:
    """Put claimed emails that were not attempted back in the queue as they were (the connection was lost first)."""
    if not email_ids:
        return
    statement = (
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(email_ids), OutboxEmail.state == EmailState.SENDING)
        .values(state=EmailState.QUEUED, claimed_at=None, claimed_by=None, attempts=OutboxEmail.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(statement)


def mark_sent(email_ids: Sequence[int], now: datetime) -> None:
    """Record emails as sent, in one statement."""
    if email_ids:
        db.session.execute(_sent(email_ids, now))


def _sent(email_ids: Sequence[int], now: datetime) -> Update:
    return (
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(email_ids), OutboxEmail.state == EmailState.SENDING)
        .values(state=EmailState.SENT, sent_at=now, last_error="")
        .execution_options(synchronize_session=False)
    )


def mark_attempt_failed(email: ClaimedEmail, error: str, now: datetime, *, permanent: bool) -> EmailState:
    """After a failed attempt: back to queued with exponential back-off, or failed for good."""
    config = current_app.config
    if permanent or email.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        _settle(email.id, state=EmailState.FAILED, last_error=error[:2000])
        return EmailState.FAILED
    delay = timedelta(seconds=config["OUTBOX_RETRY_SECONDS"] * 2 ** (email.attempts - 1))
    _settle(email.id, state=EmailState.QUEUED, send_after=now + delay, last_error=error[:2000])
    return EmailState.QUEUED


def _settle(email_id: int, **values: Any) -> None:
    statement = (
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.state == EmailState.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(statement)


def fail_interrupted_sends(now: datetime) -> int:
    """Rows claimed longer ago than the claim timeout belong to a sender that stopped mid-send.

    It may or may not have handed the email to the mail server, so the row is not re-sent by
    itself (at most once): it is marked failed for an administrator to check and retry.
    """
    cutoff = now - timedelta(seconds=current_app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"])
    statement = (
        update(OutboxEmail)
        .where(OutboxEmail.state == EmailState.SENDING, OutboxEmail.claimed_at < cutoff)
        .values(
            state=EmailState.FAILED,
            last_error="The sender stopped while sending this email, so it may or may not have been delivered. "
            "Check with the recipient before sending it again.",
        )
        .execution_options(synchronize_session=False)
    )
    return execute_change(statement).rowcount or 0


def note_connection_failure(now: datetime, error: str) -> int:
    """Record why the mail server could not be reached on the due rows; they stay queued."""
    statement = (
        update(OutboxEmail)
        .where(OutboxEmail.state == EmailState.QUEUED, OutboxEmail.send_after <= now)
        .values(last_error=(CONNECTION_ERROR + error)[:2000])
        .execution_options(synchronize_session=False)
    )
    return execute_change(statement).rowcount or 0


def withdraw_emails(email_ids: Sequence[int], reason: str) -> int:
    """Withdraw emails that are still queued (never sent), saying why; returns how many."""
    if not email_ids:
        return 0
    statement = (
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(email_ids), OutboxEmail.state == EmailState.QUEUED)
        .values(state=EmailState.WITHDRAWN, last_error=reason[:2000])
        .execution_options(synchronize_session=False)
    )
    return execute_change(statement).rowcount or 0


# The admin pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryProblem:
    """Emails wait because the mail server cannot be reached (wrong host, port or login, or it is down)."""

    error: str
    waiting: int
    last_sent_at: datetime | None


def delivery_problem() -> DeliveryProblem | None:
    """The latest connection error while emails wait because of it, for the Outbox page's warning."""
    error = db.session.scalar(
        select(OutboxEmail.last_error)
        .where(OutboxEmail.state == EmailState.QUEUED, OutboxEmail.last_error.startswith(CONNECTION_ERROR))
        .order_by(OutboxEmail.send_after, OutboxEmail.id)
        .limit(1)
    )
    if error is None:
        return None
    waiting = db.session.scalar(select(func.count()).where(OutboxEmail.state == EmailState.QUEUED)) or 0
    last_sent_at = db.session.scalar(select(func.max(OutboxEmail.sent_at)))
    return DeliveryProblem(error.removeprefix(CONNECTION_ERROR), waiting, last_sent_at)


def list_emails(*, state: EmailState | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> list[OutboxEmail]:
    query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    if state is not None:
        query = query.where(OutboxEmail.state == state)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


@dataclass(frozen=True)
class ReadableEmail:
    """An email as an administrator may read it."""

    text_body: str
    html_body: str
    links_hidden: bool


def readable_email(email: OutboxEmail) -> ReadableEmail:
    """The email with its personal links (record progress, set or reset a password, calendar feed)
    replaced by HIDDEN_LINK, so that an administrator cannot act as its recipient.

    Except while the outbox is the mailbox (no MAIL_SERVER, the email still queued): then the
    Outbox page is the only way the recipient's link reaches them (README, "With no MAIL_SERVER").
    """
    if not current_app.config["MAIL_SERVER"] and email.state == EmailState.QUEUED:
        return ReadableEmail(email.text_body, email.html_body, links_hidden=False)
    pattern = _personal_link_pattern()
    return ReadableEmail(
        pattern.sub(HIDDEN_LINK, email.text_body), pattern.sub(HIDDEN_LINK, email.html_body), links_hidden=True
    )


def _personal_link_pattern() -> re.Pattern[str]:
    """Any URL of a PERSONAL_LINK_ENDPOINTS page, absolute (from BASE_URL) or not."""
    url_segment = r"[A-Za-z0-9_.~%-]+"  # what a URL parameter such as a link's secret can be
    paths = []
    for endpoint in PERSONAL_LINK_ENDPOINTS:
        for rule in current_app.url_map.iter_rules(endpoint):
            parts = re.split(r"<[^>]+>", rule.rule)
            paths.append(url_segment.join(re.escape(part) for part in parts))
    base = re.escape(current_app.config["BASE_URL"].rstrip("/"))
    return re.compile(rf"(?:{base})?(?:{'|'.join(paths)})")


def counts_by_state() -> dict[EmailState, int]:
    rows = db.session.execute(select(OutboxEmail.state, func.count()).group_by(OutboxEmail.state)).all()
    counts = dict.fromkeys(EmailState, 0)
    counts.update(dict(rows))
    return counts


def retry_email(email: OutboxEmail, *, actor: User, now: datetime) -> bool:
    """Put a failed email back in the queue, due from `now`, with a fresh set of attempts; recorded in the history."""
    if email.state != EmailState.FAILED:
        return False
    record_change(actor=actor, entity=email, field="state", old=email.state, new=EmailState.QUEUED, note="Retry")
    email.state = EmailState.QUEUED
    email.attempts = 0
    email.send_after = now
    email.claimed_at = None
    email.claimed_by = None
    return True
