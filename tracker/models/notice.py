"""Notices waiting for a person's next reminder email: something given to them or for them to decide, told in
the digest because they chose that over an email at once."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, IdMixin, enum_type, utcnow
from tracker.models.enums import NoticeKind


class Notice(IdMixin, Base):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_digest", "user_id", "digest_key"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind))
    # What the digest says, written when it happened: "Sam Patel asks for 26 February 2027 …".
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The digest that told it (its outbox dedupe key); None while it waits for one.
    digest_key: Mapped[str | None] = mapped_column(String(200))
