"""The list of inspections, most recently published first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Inspection

PAGE_SIZE = 25


@dataclass
class InspectionList:
    inspections: list[Inspection]
    page: int
    pages: int
    total: int


def list_inspections(page: int) -> InspectionList:
    """Inspections, most recently published first, a page at a time."""
    total = db.session.scalar(select(func.count()).select_from(Inspection)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        select(Inspection)
        .options(selectinload(Inspection.managers))
        .order_by(Inspection.published_on.desc().nulls_last(), Inspection.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return InspectionList(list(db.session.scalars(query)), page, pages, total)
