"""Progress reports to Cabinet and scrutiny: narrative parts, and what an issued report showed."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, IdMixin, TimestampMixin, enum_type
from tracker.models.enums import ReportState
from tracker.models.inspection import Inspection
from tracker.models.user import User


class ProgressReport(IdMixin, TimestampMixin, Base):
    __tablename__ = "progress_reports"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    committee: Mapped[str] = mapped_column(String(200))
    meets_on: Mapped[date]
    as_at: Mapped[date]
    state: Mapped[ReportState] = mapped_column(enum_type(ReportState), default=ReportState.DRAFT)

    title: Mapped[str] = mapped_column(String(300), default="")
    report_of: Mapped[str] = mapped_column(String(300), default="")
    wards_affected: Mapped[str] = mapped_column(String(300), default="All wards")
    forward_timetable: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    purpose: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    recommendations_to_committee: Mapped[str] = mapped_column(Text, default="")
    report_body: Mapped[str] = mapped_column(Text, default="")
    financial_implications: Mapped[str] = mapped_column(Text, default="")
    financial_officer: Mapped[str] = mapped_column(String(300), default="")
    legal_implications: Mapped[str] = mapped_column(Text, default="")
    legal_officer: Mapped[str] = mapped_column(String(300), default="")
    other_implications: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    background_papers: Mapped[str] = mapped_column(Text, default="")
    report_authors: Mapped[str] = mapped_column(Text, default="")
    # The decision box as entered: key_decision, reason, forward_plan, forward_plan_on (ISO), decision_by.
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The optional sections ticked (tracker.domain.report.OPTIONAL_SECTIONS); None before authors could choose.
    optional_sections: Mapped[list[str] | None] = mapped_column(JSON)
    # Appendix 2, 3 …: [{"title", "kind" ("text" or "table"), "content"}].
    appendices: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What an issued report showed, kept so it downloads identically whatever happens later.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The issued documents (a PDF is about a megabyte) are read only when downloaded, not with every list of reports.
    issued_html: Mapped[str | None] = mapped_column(Text, deferred=True)
    issued_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    issued_docx: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    inspection: Mapped[Inspection] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
