"""The API's tokens, for administrators: the `api_tokens` blueprint's URLs and the view each runs.

A view is named by where it is in `tracker.api_tokens.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.routing import LazyRoutes

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")
routes = LazyRoutes(bp)

routes.get("", "list_api_tokens")
routes.get_post("/new", "issue_api_token")
routes.get_post("/<int:token_id>/revoke", "revoke_api_token")
