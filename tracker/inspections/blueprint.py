"""Inspections, importing a report, and each inspection's page, deadlines, meetings and recommendations: the
`inspections` blueprint's URLs and the view each runs.

A view is named by where it is in `tracker.inspections.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.routing import LazyRoutes

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
routes = LazyRoutes(bp)

routes.get_post("/<int:inspection_id>/deadlines/new", "deadlines.add_deadline")
routes.get_post("/<int:inspection_id>/deadlines/<int:deadline_id>/change-date", "deadlines.change_deadline_date")
routes.post("/<int:inspection_id>/deadlines/<int:deadline_id>/restore-date", "deadlines.restore_deadline_date")
routes.get_post("/<int:inspection_id>/deadlines/<int:deadline_id>/mark-done", "deadlines.mark_deadline_done")
routes.post("/<int:inspection_id>/deadlines/<int:deadline_id>/mark-not-done", "deadlines.mark_deadline_not_done")
routes.post("/<int:inspection_id>/deadlines/<int:deadline_id>/delete", "deadlines.delete_deadline")
routes.get_post(
    "/<int:inspection_id>/deadlines/<int:deadline_id>/checklist/<int:item_id>", "deadlines.tick_checklist_item"
)
routes.post(
    "/<int:inspection_id>/deadlines/<int:deadline_id>/checklist/<int:item_id>/untick", "deadlines.untick_checklist_item"
)
routes.get("", "imports.list_inspections")
routes.get_post("/new", "imports.new_inspection")
routes.errorhandler(RequestEntityTooLarge, "imports.upload_too_large")
routes.get_post("/imports/<int:draft_id>", "imports.review_import")
routes.post("/imports/<int:draft_id>/field", "imports.save_review_field")
routes.get_post("/imports/<int:draft_id>/discard", "imports.discard_import")
routes.get("/<int:inspection_id>", "inspection_page.view_inspection")
routes.get("/<int:inspection_id>/history", "inspection_page.inspection_history")
routes.get_post("/<int:inspection_id>/edit", "inspection_page.edit_inspection")
routes.get_post("/<int:inspection_id>/due-date-rules", "inspection_page.edit_due_date_rules")
routes.get_post("/<int:inspection_id>/managers", "inspection_page.edit_managers")
routes.get_post("/<int:inspection_id>/meetings/new", "meetings.add_meeting")
routes.post("/<int:inspection_id>/meetings/<int:meeting_id>/delete", "meetings.delete_meeting")
routes.get_post("/<int:inspection_id>/recommendations/new", "recommendations.add_recommendation")
routes.get_post(
    "/<int:inspection_id>/recommendations/<int:recommendation_id>/edit", "recommendations.edit_recommendation"
)
routes.get_post(
    "/<int:inspection_id>/recommendations/<int:recommendation_id>/delete", "recommendations.delete_recommendation"
)
