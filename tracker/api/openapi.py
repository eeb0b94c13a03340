"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json. Tests check every answer against it."""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

from tracker.api.paging import DEFAULT_LIMIT, MAX_LIMIT
from tracker.api.resources import RAG_FILTER_VALUES, STATUS_FILTER_VALUES
from tracker.domain.vocabulary import TIMESCALES
from tracker.models import (
    ActionStatus,
    DeadlineAnchor,
    DeadlineCounting,
    DeadlineKind,
    DueDateRequestState,
    Framework,
    PlanStatus,
    Rag,
)

Schema = dict[str, Any]

TEXT: Schema = {"type": "string"}
ID: Schema = {"type": "integer", "minimum": 1}
DAY: Schema = {"type": "string", "format": "date", "description": "A day, YYYY-MM-DD"}
INSTANT: Schema = {"type": "string", "format": "date-time", "description": "An instant in UTC (ISO 8601)"}
URL: Schema = {"type": "string", "format": "uri"}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    if "enum" in schema:
        return {**schema, "type": [schema["type"], "null"], "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def enum(values: type[Enum] | tuple[str, ...], description: str = "") -> Schema:
    names = [member.value for member in values] if isinstance(values, type) else list(values)
    return {"type": "string", "enum": names, **({"description": description} if description else {})}


def record(description: str, properties: dict[str, Schema]) -> Schema:
    """An object with every property present (null where there is no value) and no others."""
    return {
        "type": "object",
        "description": description,
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


TIMESCALE = enum(TIMESCALES, "The recommendation's timescale")

SCHEMAS: dict[str, Schema] = {
    "Inspection": record(
        "An inspection and the state of its action plan",
        {
            "id": ID,
            "authority": TEXT,
            "title": TEXT,
            "framework": enum(Framework),
            "inspectorate": TEXT,
            "inspection_start_on": nullable(DAY),
            "inspection_end_on": nullable(DAY),
            "received_on": nullable(DAY),
            "published_on": nullable(DAY),
            "overall_judgement": nullable(TEXT),
            "plan_status": enum(PlanStatus),
            "plan_published_on": nullable(DAY),
            "closed_at": nullable(INSTANT),
            "created_at": INSTANT,
            "updated_at": INSTANT,
            "html_url": {**URL, "description": "The inspection's page in the tracker"},
        },
    ),
    "Recommendation": record(
        "A recommendation of an inspection report",
        {
            "id": ID,
            "inspection_id": ID,
            "number": nullable(TEXT),
            "timescale": TIMESCALE,
            "timescale_label": TEXT,
            "addressee": nullable(TEXT),
            "theme": nullable(TEXT),
            "text": TEXT,
            "position": {"type": "integer", "description": "Its place in the report, from 0"},
        },
    ),
    "Owner": record(
        "The lead officer who owns an action",
        {"id": ID, "name": TEXT, "email": TEXT, "active": {"type": "boolean"}},
    ),
    "Person": record("Someone who did something in the tracker", {"id": ID, "name": TEXT}),
    "Action": record(
        "An action of an inspection's plan",
        {
            "id": ID,
            "reference": TEXT,
            "title": TEXT,
            "description": TEXT,
            "inspection_id": ID,
            "recommendation_id": ID,
            "recommendation_number": nullable(TEXT),
            "timescale": TIMESCALE,
            "timescale_label": TEXT,
            "owner": nullable(ref("Owner")),
            "lead_agency": TEXT,
            "start_on": nullable(DAY),
            "due_on": nullable(DAY),
            "original_due_on": nullable(DAY),
            "completed_on": nullable(DAY),
            "status": enum(ActionStatus),
            "rag": nullable(enum(Rag, "Red off track, amber at risk, green on track, blue complete; null: not rated")),
            "is_overdue": {"type": "boolean", "description": "Open and due before today"},
            "working_days_to_due": {
                "type": ["integer", "null"],
                "description": "England and Wales working days from today to the due date, negative when overdue; "
                "null when the action is closed or has no due date",
            },
            "success_criteria": TEXT,
            "last_progress_at": nullable(INSTANT),
            "archived_at": nullable(INSTANT),
            "created_at": INSTANT,
            "updated_at": INSTANT,
            "html_url": {**URL, "description": "The action's page in the tracker"},
        },
    ),
    "ProgressUpdate": record(
        "A progress update recorded on an action",
        {
            "id": ID,
            "action_id": ID,
            "inspection_id": ID,
            "created_at": INSTANT,
            "author": nullable(ref("Person")),
            "status": enum(ActionStatus),
            "rag": enum(Rag),
            "narrative": TEXT,
            "evidence_links": {"type": "array", "items": TEXT},
            "via_email_link": {"type": "boolean"},
            "via_spreadsheet": {"type": "boolean"},
            "requested_due_on": nullable(DAY),
            "request_reason": TEXT,
            "request_state": nullable(enum(DueDateRequestState)),
            "decided_by": nullable(ref("Person")),
            "decided_at": nullable(INSTANT),
            "decision_note": TEXT,
        },
    ),
    "StatutoryDeadline": record(
        "A statutory deadline of an inspection, counted in England and Wales working days",
        {
            "id": ID,
            "inspection_id": ID,
            "kind": enum(DeadlineKind),
            "title": TEXT,
            "rule_code": nullable(TEXT),
            "rule_source": TEXT,
            "working_days": {"type": ["integer", "null"]},
            "anchor": nullable(enum(DeadlineAnchor)),
            "counting": nullable(enum(DeadlineCounting)),
            "computed_due_on": nullable(DAY),
            "due_on": nullable(DAY),
            "override_reason": TEXT,
            "met_on": nullable(DAY),
            "working_days_left": {
                "type": ["integer", "null"],
                "description": "Working days from today to the due date while the deadline is open (negative when "
                "missed); null once met or without a date",
            },
        },
    ),
    "Links": record(
        "Where this page is and where the next one is",
        {"self": URL, "next": {**nullable(URL), "description": "The next page; null on the last page"}},
    ),
    "Meta": record(
        "About this page",
        {
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "The cursor parameter for the next page (what links.next carries); null on the last",
            },
        },
    ),
    "Problem": record(
        "What went wrong (RFC 9457 problem details)",
        {
            "type": {"type": "string", "const": "about:blank"},
            "title": TEXT,
            "status": {"type": "integer"},
            "detail": {**TEXT, "description": "What to change"},
        },
    ),
}


def _list(name: str) -> Schema:
    return record(
        f"A page of {name} objects, in id order",
        {"data": {"type": "array", "items": ref(name)}, "links": ref("Links"), "meta": ref("Meta")},
    )


def _one(name: str) -> Schema:
    return record(f"One {name}", {"data": ref(name)})


LISTED = ("Inspection", "Recommendation", "Action", "ProgressUpdate", "StatutoryDeadline")
SCHEMAS |= {f"{name}List": _list(name) for name in LISTED}
SCHEMAS |= {f"{name}Response": _one(name) for name in ("Inspection", "Action")}


def _query(name: str, description: str, schema: Schema) -> Schema:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PARAMETERS: dict[str, Schema] = {
    "limit": _query(
        "limit", f"Rows a page (default {DEFAULT_LIMIT})", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}
    ),
    "cursor": _query("cursor", "Where the page starts: a page's meta.next_cursor (opaque)", TEXT),
    "inspection": _query("inspection", "Only this inspection's (its id)", ID),
    "owner": _query("owner", "Only actions this person owns (their id)", ID),
    "agency": _query("agency", "Only actions with this lead agency (the whole name)", TEXT),
    "rag": _query("rag", "Only actions with this RAG rating (none: not rated)", enum(RAG_FILTER_VALUES)),
    "status": _query(
        "status", "Only actions with this status (open: not started or in progress)", enum(STATUS_FILTER_VALUES)
    ),
    "timescale": _query("timescale", "Only actions of recommendations with this timescale", TIMESCALE),
    "overdue": _query("overdue", "yes: only open actions due before today", enum(("yes", "no"))),
    "q": _query(
        "q", "Only actions with these words in the reference, title, description, success criteria or lead agency", TEXT
    ),
    "action": _query("action", "Only this action's (its id)", ID),
}


def _problem(description: str, headers: dict[str, Schema] | None = None) -> Schema:
    response: Schema = {"description": description, "content": {"application/problem+json": {"schema": ref("Problem")}}}
    if headers:
        response["headers"] = headers
    return response


RESPONSES: dict[str, Schema] = {
    "NotModified": {"description": "Unchanged since the ETag sent in If-None-Match: no body"},
    "BadRequest": _problem("A filter, limit or cursor that is not valid, or an unknown parameter"),
    "Unauthorized": _problem(
        "No token, or one that is not known, revoked or expired, or whose person is deactivated",
        {"WWW-Authenticate": {"schema": TEXT}},
    ),
    "NotFound": _problem("No such row"),
    "TooManyRequests": _problem(
        "Too many requests this minute with this token", {"Retry-After": {"description": "Seconds", "schema": ID}}
    ),
}


def _operation(operation_id: str, summary: str, schema: str, parameters: list[str], *, not_found: bool = False):  # noqa: ANN202
    responses: Schema = {
        "200": {
            "description": summary,
            "headers": {"ETag": {"schema": TEXT, "description": "Send it back in If-None-Match to get 304"}},
            "content": {"application/json": {"schema": ref(schema)}},
        },
        "304": {"$ref": "#/components/responses/NotModified"},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "429": {"$ref": "#/components/responses/TooManyRequests"},
    }
    if not_found:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    path_parameters = [p for p in parameters if p.endswith("_id")]
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [{"name": name, "in": "path", "required": True, "schema": ID} for name in path_parameters]
            + [{"$ref": f"#/components/parameters/{name}"} for name in parameters if name not in path_parameters],
            "responses": responses,
        }
    }


LIST = ["limit", "cursor"]


@cache
def description() -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inspection action tracker API",
            "version": "1",
            "description": "Read-only data for reporting tools (Power BI, Excel): inspections, recommendations, "
            "actions, progress updates and statutory deadlines. Send a personal access token from an administrator "
            "in the Authorization header (Bearer iat_…); it reads what its person reads. Lists come a page at a "
            "time in id order: follow links.next (or pass meta.next_cursor as cursor) until it is null. Every answer "
            "has an ETag: send it in If-None-Match and an unchanged answer is 304 with no body.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": {
            "/inspections": _operation("listInspections", "Inspections", "InspectionList", LIST),
            "/inspections/{inspection_id}": _operation(
                "getInspection", "One inspection", "InspectionResponse", ["inspection_id"], not_found=True
            ),
            "/recommendations": _operation(
                "listRecommendations", "Recommendations", "RecommendationList", [*LIST, "inspection"]
            ),
            "/actions": _operation(
                "listActions",
                "Live actions (not archived), with the All actions page's filters",
                "ActionList",
                [*LIST, "inspection", "owner", "agency", "rag", "status", "timescale", "overdue", "q"],
            ),
            "/actions/{action_id}": _operation(
                "getAction", "One action (archived ones too)", "ActionResponse", ["action_id"], not_found=True
            ),
            "/progress-updates": _operation(
                "listProgressUpdates",
                "Progress updates on live actions",
                "ProgressUpdateList",
                [*LIST, "inspection", "action"],
            ),
            "/statutory-deadlines": _operation(
                "listStatutoryDeadlines", "Statutory deadlines", "StatutoryDeadlineList", [*LIST, "inspection"]
            ),
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApiDescription",
                    "summary": "This description (no token needed)",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "A personal access token: iat_…"}
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
