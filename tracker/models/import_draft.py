"""An inspection report being reviewed before it is saved: kept server-side so no edit is ever lost."""

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, IdMixin, TimestampMixin
from tracker.models.user import User


class ImportDraft(IdMixin, TimestampMixin, Base):
    """The importer's result and the reviewer's edits so far, as the review form's raw values."""

    __tablename__ = "import_drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source_filename: Mapped[str | None] = mapped_column(String(300))
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    # The importer's notes, shown first on the review page until the draft is saved: what the report did not say
    # (strings) and what was read but may be wrong ({"code", "message", "field", "item_text"}).
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The review form's values as typed (strings, dates as day/month/year parts), replaced whole on each edit.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ImportDraft {self.id} {self.source_filename}>"
