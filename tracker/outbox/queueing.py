"""Queuing email: each email once, in the caller's transaction (nothing here commits).

Whoever decides to send email (a reminder job, an invitation) names each one by a dedupe key.
`queue_once` skips the emails whose key is already in the outbox, renders the rest from their
template pair (`emails/<template>.txt` and `.html`) and inserts them in one statement that also
ignores a key queued meanwhile, so two processes deciding the same email queue it once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from flask import current_app
from sqlalchemy import CursorResult, String, Table, select

from tracker import clock
from tracker.domain.text import shorten, single_line
from tracker.extensions import db, dialect_insert
from tracker.models import EmailState, OutboxEmail

Decided = TypeVar("Decided")


@dataclass(frozen=True)
class NewEmail:
    """An email decided on, before its templates are rendered: its key, who gets it, its subject, and what the
    templates are given."""

    dedupe_key: str
    recipient: str
    subject: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedEmail:
    """A rendered email waiting to be queued."""

    recipient: str
    subject: str
    text_body: str
    html_body: str
    dedupe_key: str


# The model's table and its subject column's length, typed: the declarative __table__ is typed as a FromClause.
OUTBOX_TABLE = cast(Table, OutboxEmail.__table__)
SUBJECT_LENGTH: int = cast(String, OUTBOX_TABLE.c.subject.type).length or 300


def subject_line(subject: str) -> str:
    """A subject as the outbox keeps it: one line (titles typed by people go into subjects), and no longer than
    its column, so that a long deadline title cannot stop a whole run of emails from being queued."""
    return shorten(single_line(subject), SUBJECT_LENGTH)


class EmailRenderer:
    """Renders many emails from one template pair without looking the templates up each time."""

    def __init__(self, template: str) -> None:
        environment = current_app.jinja_env
        self._text = environment.get_template(f"emails/{template}.txt")
        self._html = environment.get_template(f"emails/{template}.html")
        self._base = {
            "service_name": current_app.config["SERVICE_NAME"],
            "organisation_name": current_app.config["ORGANISATION_NAME"],
        }

    def render(self, email: NewEmail) -> PreparedEmail:
        values = {**self._base, "subject": email.subject, **email.context}
        return PreparedEmail(
            recipient=email.recipient,
            subject=email.subject,
            text_body=self._text.render(values),
            html_body=self._html.render(values),
            dedupe_key=email.dedupe_key,
        )


@dataclass
class QueueCounts(Generic[Decided]):
    """What a run decided and queued; `new` holds the decided items whose email was not queued before."""

    decided: int = 0
    already_queued: int = 0
    queued: int = 0
    details: dict[str, int] = field(default_factory=dict)
    new: list[Decided] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {"decided": self.decided, "already_queued": self.already_queued, "queued": self.queued, **self.details}


def queue_once(
    template: str,
    decided: Sequence[Decided],
    *,
    key: Callable[[Decided], str],
    write: Callable[[Sequence[Decided]], Iterable[NewEmail]],
    now: datetime,
    dry_run: bool = False,
) -> QueueCounts[Decided]:
    """Queue an email from `template` for each of `decided` whose dedupe key is not in the outbox yet (a fixed
    number of queries).

    `write` is called once, with only those new items and never on a dry run, so what it costs (an
    update link per action, say) is spent only on emails that are queued; it returns their emails,
    keyed by the same `key`.
    """
    existing = existing_dedupe_keys(key(item) for item in decided)
    new = [item for item in decided if key(item) not in existing]
    counts = QueueCounts(decided=len(decided), already_queued=len(decided) - len(new), new=new)
    if dry_run or not new:
        return counts
    renderer = EmailRenderer(template)
    counts.queued = queue_prepared_emails([renderer.render(email) for email in write(new)], now)
    return counts


def queue_email(*, recipient: str, subject: str, template: str, dedupe_key: str, **context: Any) -> bool:
    """Queue one email from `emails/<template>.txt` and `.html` now (an invitation, a password reset); False when
    `dedupe_key` was already queued."""
    email = EmailRenderer(template).render(NewEmail(dedupe_key, recipient, subject, context))
    return queue_prepared_emails([email], clock.now()) == 1


def existing_dedupe_keys(keys: Iterable[str]) -> set[str]:
    """Which of `keys` are already in the outbox (one query)."""
    wanted = list(keys)
    if not wanted:
        return set()
    return set(db.session.scalars(select(OutboxEmail.dedupe_key).where(OutboxEmail.dedupe_key.in_(wanted))))


def queue_prepared_emails(emails: Sequence[PreparedEmail], now: datetime) -> int:
    """Queue rendered emails, due from `now`, in one statement; a key already queued is skipped. Returns how many
    were new."""
    if not emails:
        return 0
    table = OUTBOX_TABLE
    # The driver's executemany (pipelined by psycopg) and the rows it inserted, rather than RETURNING, which made
    # SQLAlchemy write one statement with a parameter per value for the driver to rewrite (half the time of
    # queuing 500 digests; issue 17). Both drivers sum the rows inserted over the parameter sets.
    statement = (
        dialect_insert(table)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .execution_options(preserve_rowcount=True)
    )
    rows = [
        {
            "recipient": email.recipient,
            "subject": subject_line(email.subject),
            "text_body": email.text_body,
            "html_body": email.html_body,
            "dedupe_key": email.dedupe_key,
            "state": EmailState.QUEUED,
            "attempts": 0,
            "last_error": "",
            "created_at": now,
            "send_after": now,
        }
        for email in emails
    ]
    return cast(CursorResult[Any], db.session.execute(statement, rows)).rowcount
