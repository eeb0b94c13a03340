"""The `inspections` blueprint, and what its views share."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue

from tracker.models import Inspection

bp = Blueprint("inspections", __name__, url_prefix="/inspections")


def status_for(form: Any) -> int:
    """200 for a form shown for the first time, 400 for one sent back with errors."""
    return 400 if form.is_submitted() else 200


def back_to(inspection: Inspection, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("inspections.view_inspection", inspection_id=inspection.id, _anchor=anchor))
