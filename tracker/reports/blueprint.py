"""An inspection's progress reports: the `reports` blueprint's URLs and the view each runs.

A view is named by where it is in `tracker.reports.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.routing import LazyRoutes

bp = Blueprint("reports", __name__)
routes = LazyRoutes(bp)

routes.get("/inspections/<int:inspection_id>/reports", "list_reports")
routes.get_post("/inspections/<int:inspection_id>/reports/new", "new_report")
routes.get("/reports/<int:report_id>", "view_report")
routes.get_post("/reports/<int:report_id>/edit", "edit_report")
routes.get_post("/reports/<int:report_id>/issue", "issue_report")
routes.get_post("/reports/<int:report_id>/delete", "delete_report")
routes.get("/reports/<int:report_id>/print", "print_report")
routes.get("/reports/<int:report_id>/download.pdf", "download_pdf")
routes.get("/reports/<int:report_id>/download.docx", "download_docx")
