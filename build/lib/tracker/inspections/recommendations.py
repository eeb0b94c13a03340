"""Recommendations after the report was saved: corrected, added by hand, or deleted while they have no actions."""

from __future__ import annotations

from typing import Any

from tracker.audit.services import apply_changes, record_change
from tracker.extensions import db
from tracker.models import Inspection, Recommendation, Timescale, User


def _recommendation_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": (data.get("number") or "").strip() or None,
        "timescale": Timescale(data["timescale"]),
        "addressee": (data.get("addressee") or "").strip() or None,
        "theme": (data.get("theme") or "").strip() or None,
        "text": " ".join((data.get("text") or "").split()),
    }


def update_recommendation(recommendation: Recommendation, data: dict[str, Any], *, actor: User) -> list[str]:
    """Correct a saved recommendation; each changed field goes into the history."""
    return apply_changes(
        recommendation, _recommendation_values(data), actor=actor, inspection_id=recommendation.inspection_id
    )


def add_recommendation(inspection: Inspection, data: dict[str, Any], *, actor: User) -> Recommendation:
    """A recommendation the import missed, added at the end."""
    position = max((r.position for r in inspection.recommendations), default=-1) + 1
    recommendation = Recommendation(inspection=inspection, position=position, **_recommendation_values(data))
    db.session.add(recommendation)
    db.session.flush()
    record_change(
        actor=actor,
        entity=recommendation,
        field="created",
        old=None,
        new=recommendation.text,
        inspection_id=inspection.id,
        note="Added by hand after the report was saved",
    )
    return recommendation


def delete_recommendation(recommendation: Recommendation, *, actor: User) -> bool:
    """Delete a recommendation that has no actions; False (and nothing done) when it has some."""
    if recommendation.actions:
        return False
    record_change(
        actor=actor,
        entity=recommendation,
        field="deleted",
        old=recommendation.text,
        new=None,
        inspection_id=recommendation.inspection_id,
    )
    db.session.delete(recommendation)
    return True
