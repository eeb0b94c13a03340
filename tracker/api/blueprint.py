"""The read-only JSON API under /api/v1: the `api` blueprint's URLs and the view each runs, and its sessions.

A view is named by where it is in `tracker.api.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from tracker.api.problems import API_PREFIX
from tracker.extensions import csrf
from tracker.routing import LazyRoutes

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Tokens, not cookies, say who is calling, so there is no cross-site request to forge; and every route is a GET.
csrf.exempt(bp)
routes = LazyRoutes(bp)

routes.get("/openapi.json", "openapi_description")
routes.get("/inspections", "list_inspections")
routes.get("/inspections/<int:inspection_id>", "get_inspection")
routes.get("/recommendations", "list_recommendations")
routes.get("/actions", "list_actions")
routes.get("/actions/<int:action_id>", "get_action")
routes.get("/progress-updates", "list_progress_updates")
routes.get("/statutory-deadlines", "list_statutory_deadlines")


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session for the pages; none for the API, whose requests neither read the session
    cookie (a signed-in browser is not a caller) nor send it back (an API call never extends a session)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


@bp.record_once
def _sessions_without_the_api(state: Any) -> None:
    state.app.session_interface = SessionInterface()
