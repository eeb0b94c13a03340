"""An inspection, its judgements, recommendations and the people who run its plan."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.due_dates import IMMEDIATE_DUE_CHOICES, DueDatePolicy
from tracker.models.base import Base, IdMixin, TimestampMixin, enum_type
from tracker.models.enums import Framework, PlanStatus, Timescale
from tracker.models.user import User

if TYPE_CHECKING:
    # tracker.models.action imports this module.
    from tracker.models.action import Action

inspection_managers = Table(
    "inspection_managers",
    Base.metadata,
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Inspection(IdMixin, TimestampMixin, Base):
    __tablename__ = "inspections"

    authority: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    framework: Mapped[Framework] = mapped_column(enum_type(Framework), default=Framework.OTHER)
    inspectorate: Mapped[str] = mapped_column(String(200), default="Ofsted")
    inspection_start_on: Mapped[date | None]
    inspection_end_on: Mapped[date | None]
    received_on: Mapped[date | None]
    published_on: Mapped[date | None]
    overall_judgement: Mapped[str | None] = mapped_column(String(200))
    source_filename: Mapped[str | None] = mapped_column(String(300))
    source_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    # The report's whole text (often over 100 kB): loaded only where it is read, not with every list of inspections.
    source_text: Mapped[str | None] = mapped_column(Text, deferred=True)

    plan_status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus), default=PlanStatus.DRAFT)
    plan_published_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]

    # Per-inspection rules (DESIGN §5 default due dates; the RAG suggestion rule).
    immediate_due: Mapped[str] = mapped_column(String(20), default="action_plan")
    three_months_months: Mapped[int] = mapped_column(default=3)
    six_months_months: Mapped[int] = mapped_column(default=6)
    longer_term_months: Mapped[int] = mapped_column(default=18)
    improvement_months: Mapped[int] = mapped_column(default=12)
    rag_amber_within_working_days: Mapped[int] = mapped_column(default=10)

    managers: Mapped[list[User]] = relationship(secondary=inspection_managers, order_by="User.name")
    judgements: Mapped[list["Judgement"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="Judgement.position"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="Recommendation.position"
    )

    def __repr__(self) -> str:
        return f"<Inspection {self.id} {self.authority} {self.framework}>"

    def due_date_policy(self) -> DueDatePolicy:
        """Its rules for default action due dates (DESIGN §5); an unknown stored choice for immediate actions
        means the action plan's statutory date."""
        return DueDatePolicy(
            immediate=self.immediate_due if self.immediate_due in IMMEDIATE_DUE_CHOICES else "action_plan",
            three_months_months=self.three_months_months,
            six_months_months=self.six_months_months,
            longer_term_months=self.longer_term_months,
            improvement_months=self.improvement_months,
        )


class Judgement(IdMixin, Base):
    __tablename__ = "judgements"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(300))
    grade: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)

    inspection: Mapped[Inspection] = relationship(back_populates="judgements")


class Recommendation(IdMixin, TimestampMixin, Base):
    __tablename__ = "recommendations"
    __table_args__ = (Index("ix_recommendations_inspection_position", "inspection_id", "position"),)

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(20))
    timescale: Mapped[Timescale] = mapped_column(enum_type(Timescale))
    addressee: Mapped[str | None] = mapped_column(String(300))
    theme: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    inspection: Mapped[Inspection] = relationship(back_populates="recommendations")
    actions: Mapped[list["Action"]] = relationship(
        back_populates="recommendation",
        order_by="Action.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def shown_number(self) -> str:
        """The number as printed in the report or, for a report that does not number them (ILACS), its place."""
        return self.number_shown(self.number, self.position)

    @staticmethod
    def number_shown(number: str | None, position: int) -> str:
        """shown_number from the two columns, for a query that reads them without loading the recommendation."""
        return (number or "").strip() or str(position + 1)

    @property
    def label(self) -> str:
        return f"Recommendation {self.shown_number}"
