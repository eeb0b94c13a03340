"""/healthz for load balancers and monitoring: JSON, no secrets.

The views; their URLs are in tracker/health/blueprint.py.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from tracker import clock
from tracker.health.services import health_report
from tracker.permissions import public


@public
def healthz() -> ResponseReturnValue:
    report, healthy = health_report(clock.now())
    return jsonify(report), 200 if healthy else 503
