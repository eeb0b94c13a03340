"""People and the outbox, for administrators: the `admin` blueprint's URLs and the view each runs.

A view is named by where it is in `tracker.admin.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.routing import LazyRoutes

bp = Blueprint("admin", __name__, url_prefix="/admin")
routes = LazyRoutes(bp)

routes.get("/people", "list_people")
routes.get_post("/people/invite", "invite_person")
routes.get_post("/people/<int:user_id>", "edit_person")
routes.post("/people/<int:user_id>/resend-invitation", "resend_invitation")
routes.post("/people/<int:user_id>/unlock", "unlock_person")
routes.post("/people/<int:user_id>/sign-out-everywhere", "sign_out_person_everywhere")
routes.get("/outbox", "list_outbox")
routes.get("/outbox/<int:email_id>", "view_email")
routes.get("/outbox/<int:email_id>/html", "email_html")
routes.post("/outbox/<int:email_id>/retry", "retry_email")
