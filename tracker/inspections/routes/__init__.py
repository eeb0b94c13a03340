"""The inspections' pages, one module a use case, all on the one `inspections` blueprint (its URLs are in
tracker/inspections/blueprint.py); and what the views share."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from tracker.models import Inspection


def status_for(form: Any) -> int:
    """200 for a form shown for the first time, 400 for one sent back with errors."""
    return 400 if form.is_submitted() else 200


def back_to(inspection: Inspection, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("inspections.view_inspection", inspection_id=inspection.id, _anchor=anchor))
