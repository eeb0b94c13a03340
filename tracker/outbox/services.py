"""Queuing email: rendered now, stored in the outbox in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.extensions import db
from tracker.models import EmailState, OutboxEmail


def _insert_for_dialect(name: str) -> Any:
    return postgresql.insert if name == "postgresql" else sqlite.insert


def queue_email(
    *,
    recipient: str,
    subject: str,
    template: str,
    dedupe_key: str,
    send_after: datetime | None = None,
    **context: Any,
) -> bool:
    """Queue `emails/<template>.txt` and `.html`; returns False when `dedupe_key` was already queued.

    The insert ignores a conflicting key, so two processes deciding the same email queue it once.
    """
    text_body = render_template(f"emails/{template}.txt", subject=subject, **context)
    html_body = render_template(f"emails/{template}.html", subject=subject, **context)
    return queue_rendered_email(
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        dedupe_key=dedupe_key,
        send_after=send_after,
    )


def queue_rendered_email(
    *,
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str,
    dedupe_key: str,
    send_after: datetime | None = None,
) -> bool:
    """Queue an already-rendered email; False when `dedupe_key` exists."""
    insert = _insert_for_dialect(db.session.get_bind().dialect.name)
    statement = (
        insert(OutboxEmail)
        .values(
            recipient=recipient,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
            dedupe_key=dedupe_key,
            state=EmailState.QUEUED,
            attempts=0,
            last_error="",
            created_at=clock.now(),
            send_after=send_after or clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = db.session.execute(statement)
    return bool(result.rowcount)


def list_emails(*, limit: int = 100) -> list[OutboxEmail]:
    query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc()).limit(limit)
    return list(db.session.scalars(query))
