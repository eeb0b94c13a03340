"""/healthz for load balancers and monitoring: the `health` blueprint's URL and the view it runs.

The view is in `tracker.health.routes`, and imported with the first request for it (tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.extensions import csrf
from tracker.routing import LazyRoutes

bp = Blueprint("health", __name__)
routes = LazyRoutes(bp)

routes.get("/healthz", "healthz")
csrf.exempt(routes.view("healthz"))
