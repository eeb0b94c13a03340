"""The read-only JSON API for reporting tools, under /api/v1: token authentication only, no cookies, no CSRF.

Every answer carries an ETag over its body: a client that sends it back in If-None-Match gets 304 and no body
when nothing changed. Lists are cursor-paginated in id order (tracker/api/paging.py).

The views; their URLs are in tracker/api/blueprint.py.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, request, url_for
from flask.typing import ResponseReturnValue

from tracker import clock
from tracker.api import openapi, resources
from tracker.api.auth import token_required
from tracker.api.paging import Paging, check_parameters, paging
from tracker.api.problems import to_json
from tracker.permissions import public


def json_response(body: dict[str, Any]) -> Response:
    """`body` as JSON with an ETag over it; 304 with no body when the client already has it."""
    response = current_app.response_class(to_json(body), mimetype="application/json")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
    # Each token may see different data: caches may keep an answer for its caller only, and must ask again.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    response.make_conditional(request)
    return response


def _list(page: resources.ListPage, listed: Paging) -> Response:
    args = request.args.to_dict()
    args.pop("cursor", None)
    next_url = None
    if page.next_cursor:
        next_url = url_for(request.endpoint or "", **args, cursor=page.next_cursor, _external=True)
    return json_response(
        {
            "data": page.items,
            "links": {"self": request.url, "next": next_url},
            "meta": {"limit": listed.limit, "next_cursor": page.next_cursor},
        }
    )


@public
def openapi_description() -> ResponseReturnValue:
    return json_response(openapi.description())


@token_required
def list_inspections() -> ResponseReturnValue:
    check_parameters(request.args, resources.INSPECTION_FILTERS)
    listed = paging("inspections", request.args)
    return _list(resources.list_inspections(request.args, listed), listed)


@token_required
def get_inspection(inspection_id: int) -> ResponseReturnValue:
    check_parameters(request.args, (), paged=False)
    return json_response({"data": resources.get_inspection(inspection_id)})


@token_required
def list_recommendations() -> ResponseReturnValue:
    check_parameters(request.args, resources.RECOMMENDATION_FILTERS)
    listed = paging("recommendations", request.args)
    return _list(resources.list_recommendations(request.args, listed), listed)


@token_required
def list_actions() -> ResponseReturnValue:
    check_parameters(request.args, resources.ACTION_FILTERS)
    listed = paging("actions", request.args)
    return _list(resources.list_actions(request.args, listed, clock.today()), listed)


@token_required
def get_action(action_id: int) -> ResponseReturnValue:
    check_parameters(request.args, (), paged=False)
    return json_response({"data": resources.get_action(action_id, clock.today())})


@token_required
def list_progress_updates() -> ResponseReturnValue:
    check_parameters(request.args, resources.PROGRESS_FILTERS)
    listed = paging("progress-updates", request.args)
    return _list(resources.list_progress_updates(request.args, listed), listed)


@token_required
def list_statutory_deadlines() -> ResponseReturnValue:
    check_parameters(request.args, resources.DEADLINE_FILTERS)
    listed = paging("statutory-deadlines", request.args)
    return _list(resources.list_statutory_deadlines(request.args, listed, clock.today()), listed)
