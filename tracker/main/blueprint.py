"""The home page and service-wide pages: the `main` blueprint's URLs and the view each runs.

A view is named by where it is in `tracker.main.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.routing import LazyRoutes

bp = Blueprint("main", __name__)
routes = LazyRoutes(bp)

routes.get("/", "home")
routes.get("/accessibility", "accessibility_statement")
