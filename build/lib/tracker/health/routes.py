"""/healthz for load balancers and monitoring: JSON, no secrets."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from tracker import clock
from tracker.extensions import csrf
from tracker.health.services import health_report
from tracker.permissions import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
@csrf.exempt
def healthz() -> ResponseReturnValue:
    report, healthy = health_report(clock.now())
    return jsonify(report), 200 if healthy else 503
