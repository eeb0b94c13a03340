"""Recommendations after the report was saved: add one the import missed, correct one, delete one."""

from __future__ import annotations

from flask import flash, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import loaders
from tracker.inspections import recommendations
from tracker.inspections.forms import ConfirmForm, RecommendationForm
from tracker.inspections.routes import back_to, status_for
from tracker.models import Inspection
from tracker.permissions import MANAGES_INSPECTION, requires


@requires(MANAGES_INSPECTION)
def add_recommendation(inspection: Inspection) -> ResponseReturnValue:
    form = RecommendationForm()
    if not form.validate_on_submit():
        return render_template(
            "inspections/recommendation_form.html", inspection=inspection, form=form, recommendation=None
        ), status_for(form)
    recommendation = recommendations.add_recommendation(inspection, form.data, actor=current_user)
    flash("Added the recommendation")
    return back_to(inspection, f"recommendation-{recommendation.id}")


@requires(MANAGES_INSPECTION)
def edit_recommendation(inspection: Inspection, recommendation_id: int) -> ResponseReturnValue:
    recommendation = loaders.load_recommendation(recommendation_id, inspection=inspection)
    form = RecommendationForm(obj=recommendation)
    if not form.is_submitted():
        form.timescale.data = recommendation.timescale.value
    if not form.validate_on_submit():
        return render_template(
            "inspections/recommendation_form.html", inspection=inspection, form=form, recommendation=recommendation
        ), status_for(form)
    changed = recommendations.update_recommendation(recommendation, form.data, actor=current_user)
    flash("Saved the recommendation" if changed else "Nothing was changed")
    return back_to(inspection, f"recommendation-{recommendation.id}")


@requires(MANAGES_INSPECTION)
def delete_recommendation(inspection: Inspection, recommendation_id: int) -> ResponseReturnValue:
    recommendation = loaders.load_recommendation(recommendation_id, inspection=inspection)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template(
            "inspections/delete_recommendation.html", inspection=inspection, recommendation=recommendation, form=form
        ), status_for(form)
    if not recommendations.delete_recommendation(recommendation, actor=current_user):
        flash("This recommendation has actions, so it cannot be deleted. Delete or move its actions first", "error")
        return back_to(inspection, f"recommendation-{recommendation.id}")
    flash("Deleted the recommendation")
    return back_to(inspection, "recommendations")
