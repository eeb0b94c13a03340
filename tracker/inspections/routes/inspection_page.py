"""The inspection page, its history, and changing its details, due-date rules and who runs it."""

from __future__ import annotations

from flask import current_app, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock
from tracker.inspections import details
from tracker.inspections.forms import DueDateSettingsForm, EditInspectionForm, ManagersForm
from tracker.inspections.history import HISTORY_PAGE_SIZE
from tracker.inspections.history import inspection_history as history_page
from tracker.inspections.inspection_page import build_inspection_page
from tracker.inspections.routes import back_to, status_for
from tracker.models import Inspection
from tracker.numbers import page_number
from tracker.permissions import MANAGES_INSPECTION, READS_INSPECTION, can_manage_inspection, requires


@requires(READS_INSPECTION)
def view_inspection(inspection: Inspection) -> ResponseReturnValue:
    page = build_inspection_page(
        inspection, clock.today(), due_soon_working_days=current_app.config["DUE_SOON_WORKING_DAYS"]
    )
    return render_template(
        "inspections/view.html",
        page=page,
        inspection=inspection,
        can_manage=can_manage_inspection(current_user, inspection),
        today=clock.today(),
    )


@requires(READS_INSPECTION)
def inspection_history(inspection: Inspection) -> ResponseReturnValue:
    page = page_number(request.args.get("page"))
    lines, total = history_page(inspection, page=page, page_size=HISTORY_PAGE_SIZE)
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    return render_template(
        "inspections/history.html", inspection=inspection, lines=lines, page=page, pages=pages, total=total
    )


@requires(MANAGES_INSPECTION)
def edit_inspection(inspection: Inspection) -> ResponseReturnValue:
    form = EditInspectionForm(data=details.details_formdata(inspection))
    if not form.validate_on_submit():
        return render_template("inspections/edit.html", inspection=inspection, form=form), status_for(form)
    changed, kept = details.update_details(inspection, form.data, actor=current_user)
    flash("Saved the changes to the inspection" if changed else "Nothing was changed")
    if kept:
        flash(f"{kept} deadline{'s keep their' if kept > 1 else ' keeps its'} changed date: check it is still right")
    return back_to(inspection)


@requires(MANAGES_INSPECTION)
def edit_due_date_rules(inspection: Inspection) -> ResponseReturnValue:
    form = DueDateSettingsForm(obj=inspection)
    if not form.validate_on_submit():
        return render_template("inspections/due_date_rules.html", inspection=inspection, form=form), status_for(form)
    changed = details.update_due_date_rules(inspection, form.data, actor=current_user)
    flash("Saved the due date rules" if changed else "Nothing was changed")
    return back_to(inspection, "recommendations")


@requires(MANAGES_INSPECTION)
def edit_managers(inspection: Inspection) -> ResponseReturnValue:
    form = ManagersForm(
        candidates=details.manager_candidates(), data={"manager_ids": [user.id for user in inspection.managers]}
    )
    if not form.validate_on_submit():
        return render_template("inspections/managers.html", inspection=inspection, form=form), status_for(form)
    changed = details.set_managers(inspection, form.manager_ids.data or [], actor=current_user)
    flash("Saved who runs this inspection" if changed else "Nothing was changed")
    return back_to(inspection, "details")
