"""The API's tests: a plan with tokens to read it, and every answer checked against the OpenAPI description."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.factories import UserFactory
from tests.integration.actions.conftest import Plan, plan  # noqa: F401 - the plan fixture, shared
from tracker.api_tokens.services import issue_token
from tracker.models import Role

API = "/api/v1"


@dataclass
class Tokens:
    viewer: str  # acts as the plan's viewer
    owner: str  # acts as the plan's owner (a service manager)


@pytest.fixture
def tokens(db_session, plan: Plan) -> Tokens:  # noqa: F811
    admin = UserFactory(role=Role.ADMIN)
    _, viewer = issue_token(name="Performance team Power BI", user=plan.viewer, days=90, actor=admin)
    _, owner = issue_token(name="Sam's Excel", user=plan.owner, days=30, actor=admin)
    db_session.commit()
    return Tokens(viewer, owner)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _instant(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri", raises=ValueError)
def _url(value: object) -> bool:
    return not isinstance(value, str) or value.startswith(("http://", "https://"))


def response_schema(description: dict[str, Any], path: str, status: int) -> tuple[str, dict[str, Any]]:
    """The media type and schema the description gives for `status` from GET `path` (a template: /actions/{id})."""
    answer = description["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in answer:
        answer = description["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    ((media_type, content),) = answer["content"].items()
    return media_type, content["schema"]


def check_against_description(description: dict[str, Any], path: str, response) -> Any:  # noqa: ANN001
    """The response's body, after checking its media type and body against what the description says."""
    media_type, schema = response_schema(description, path, response.status_code)
    assert response.mimetype == media_type, (path, response.status_code, response.mimetype)
    body = response.get_json()
    # The component references (#/components/...) resolve in a document that carries the components.
    validator = Draft202012Validator({**schema, "components": description["components"]}, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.path))
    assert not errors, f"{path} {response.status_code}: " + "; ".join(
        f"{'/'.join(map(str, error.path))}: {error.message}" for error in errors[:5]
    )
    return body


@pytest.fixture
def description(client) -> dict[str, Any]:  # noqa: ANN001
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()
