"""Changing a saved inspection: its details and judgements (recounting its deadlines when their dates or
framework change), its due-date rules, and who runs it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker.audit.services import apply_changes, record_change
from tracker.extensions import db
from tracker.inspections import deadlines as deadline_services
from tracker.inspections import saving
from tracker.inspections.deadlines import list_deadlines
from tracker.models import Inspection, Judgement, Role, User


def details_formdata(inspection: Inspection) -> dict[str, Any]:
    """The edit form's starting values from a saved inspection."""
    return {
        "authority": inspection.authority,
        "title": inspection.title,
        "framework": inspection.framework.value,
        "inspectorate": inspection.inspectorate,
        "overall_judgement": inspection.overall_judgement or "",
        "inspection_start_on": inspection.inspection_start_on,
        "inspection_end_on": inspection.inspection_end_on,
        "received_on": inspection.received_on,
        "published_on": inspection.published_on,
        "judgements": [{"area": j.area, "grade": j.grade} for j in inspection.judgements] + [{"area": "", "grade": ""}],
    }


def update_details(inspection: Inspection, data: dict[str, Any], *, actor: User) -> tuple[list[str], int]:
    """Correct the inspection's details and judgements; recount deadlines when their dates or framework change.

    Returns the changed fields and how many overridden deadlines kept their date.
    """
    old_framework = inspection.framework
    changed = apply_changes(inspection, saving.details(data), actor=actor, inspection_id=inspection.id)
    if _update_judgements(inspection, data["judgements"], actor=actor):
        changed.append("judgements")
    kept = 0
    if {"framework", "received_on", "published_on"} & set(changed):
        deadlines = list_deadlines(inspection)
        if inspection.framework != old_framework:
            deadline_services.sync_rule_deadlines(inspection, deadlines, actor=actor)
            db.session.flush()
            deadlines = list_deadlines(inspection)
        kept = deadline_services.recalculate_deadlines(inspection, deadlines, actor=actor)
    return changed, kept


def _judgement_summary(judgements: list[Judgement]) -> str:
    return "; ".join(f"{j.area}: {j.grade}" for j in judgements)


def _update_judgements(inspection: Inspection, rows: list[dict[str, str]], *, actor: User) -> bool:
    new = saving.judgements(rows)
    old_summary, new_summary = _judgement_summary(inspection.judgements), _judgement_summary(new)
    if old_summary == new_summary:
        return False
    record_change(
        actor=actor,
        entity=inspection,
        field="judgements",
        old=old_summary or None,
        new=new_summary or None,
        inspection_id=inspection.id,
    )
    inspection.judgements = new
    return True


def update_due_date_rules(inspection: Inspection, data: dict[str, Any], *, actor: User) -> list[str]:
    names = (
        "immediate_due",
        "three_months_months",
        "six_months_months",
        "longer_term_months",
        "improvement_months",
        "rag_amber_within_working_days",
    )
    return apply_changes(inspection, {name: data[name] for name in names}, actor=actor, inspection_id=inspection.id)


def manager_candidates() -> list[User]:
    """People who can run an inspection: active programme managers."""
    query = select(User).where(User.role == Role.PROGRAMME_MANAGER, User.active.is_(True)).order_by(User.name)
    return list(db.session.scalars(query))


def set_managers(inspection: Inspection, manager_ids: list[int], *, actor: User) -> bool:
    """Replace who runs the inspection with the chosen programme managers; recorded in the history."""
    chosen = [user for user in manager_candidates() if user.id in set(manager_ids)]
    before = ", ".join(sorted(user.name for user in inspection.managers))
    after = ", ".join(sorted(user.name for user in chosen))
    if not chosen or before == after:
        return False
    inspection.managers = chosen
    record_change(actor=actor, entity=inspection, field="managers", old=before, new=after, inspection_id=inspection.id)
    return True
