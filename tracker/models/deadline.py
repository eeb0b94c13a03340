"""Statutory deadlines on an inspection, their publication checklist, and committee meetings."""

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, IdMixin, TimestampMixin, enum_type
from tracker.models.enums import DeadlineAnchor, DeadlineCounting, DeadlineKind
from tracker.models.inspection import Inspection


class StatutoryDeadline(IdMixin, TimestampMixin, Base):
    __tablename__ = "statutory_deadlines"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DeadlineKind] = mapped_column(enum_type(DeadlineKind))
    title: Mapped[str] = mapped_column(String(300))
    rule_code: Mapped[str | None] = mapped_column(String(64))
    rule_source: Mapped[str] = mapped_column(String(300), default="")
    working_days: Mapped[int | None]
    anchor: Mapped[DeadlineAnchor | None] = mapped_column(enum_type(DeadlineAnchor))
    counting: Mapped[DeadlineCounting | None] = mapped_column(enum_type(DeadlineCounting))
    computed_due_on: Mapped[date | None]
    due_on: Mapped[date | None]
    override_reason: Mapped[str] = mapped_column(Text, default="")
    met_on: Mapped[date | None]

    inspection: Mapped[Inspection] = relationship()
    checklist: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="deadline", cascade="all, delete-orphan", order_by="ChecklistItem.position"
    )


class ChecklistItem(IdMixin, Base):
    """A recipient the statutory publication duty names, ticked with date and evidence."""

    __tablename__ = "deadline_checklist_items"

    deadline_id: Mapped[int] = mapped_column(ForeignKey("statutory_deadlines.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    done_on: Mapped[date | None]
    evidence: Mapped[str] = mapped_column(Text, default="")

    deadline: Mapped[StatutoryDeadline] = relationship(back_populates="checklist")


class Meeting(IdMixin, TimestampMixin, Base):
    __tablename__ = "meetings"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    committee: Mapped[str] = mapped_column(String(200))
    meets_on: Mapped[date]
    approves_plan: Mapped[bool] = mapped_column(default=False)

    inspection: Mapped[Inspection] = relationship()
