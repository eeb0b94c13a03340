"""Emails queued in the same transaction as the decision to send them."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, IdMixin, enum_type, utcnow
from tracker.models.enums import EmailState


class OutboxEmail(IdMixin, Base):
    __tablename__ = "outbox_emails"
    # In the order the sender claims (state, then send_after, then id): a claim reads only the rows it takes.
    __table_args__ = (Index("ix_outbox_emails_state_send_after_id", "state", "send_after", "id"),)

    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    # A key such as "digest:<user>:<date>": the same email can never be queued twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[EmailState] = mapped_column(enum_type(EmailState), default=EmailState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_after: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
