"""The action plan's pages: my actions, all actions, the plan, its dashboard and spreadsheets, one action: the
`actions` blueprint's URLs and the view each runs.

A view is named by where it is in `tracker.actions.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.routing import LazyRoutes

bp = Blueprint("actions", __name__)
routes = LazyRoutes(bp)

routes.get("/actions/<int:action_id>", "action_page.view_action")
routes.post("/actions/<int:action_id>/due-date-requests/<int:update_id>", "action_page.decide_due_date")
routes.get_post("/recommendations/<int:recommendation_id>/actions/new", "editing.add_action")
routes.get_post("/actions/<int:action_id>/edit", "editing.edit_action")
routes.get_post("/actions/<int:action_id>/delete", "editing.delete_action")
routes.post("/actions/<int:action_id>/move", "editing.move_action")
routes.get("/my-actions", "lists.my_actions")
routes.get("/actions", "lists.list_actions")
routes.get("/actions/download/<any(xlsx, csv):file_format>", "lists.download_actions")
routes.get("/inspections/<int:inspection_id>/plan", "plan.view_plan")
routes.get("/inspections/<int:inspection_id>/plan/print", "plan.print_plan")
routes.get("/inspections/<int:inspection_id>/plan/download.pdf", "plan.download_plan_pdf")
routes.get("/inspections/<int:inspection_id>/dashboard", "plan.view_dashboard")
routes.get_post("/inspections/<int:inspection_id>/plan/status", "plan.change_plan_status")
routes.get_post("/inspections/<int:inspection_id>/plan/assign", "plan.bulk_assign")
routes.get_post("/actions/<int:action_id>/progress", "progress.record_progress")
routes.get("/inspections/<int:inspection_id>/plan/download/<any(xlsx, csv):file_format>", "spreadsheets.download_plan")
routes.get_post("/inspections/<int:inspection_id>/plan/import", "spreadsheets.import_plan")
routes.post("/inspections/<int:inspection_id>/plan/import/confirm", "spreadsheets.confirm_import")
