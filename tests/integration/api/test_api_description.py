"""The OpenAPI description itself: it describes every API route and no other, with the parameters each takes,
and its schemas are valid JSON Schema (2020-12, as OpenAPI 3.1 uses)."""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator

from tests.integration.api.conftest import API
from tracker.api import resources
from tracker.api.paging import PAGING_PARAMETERS

FILTERS = {
    "/inspections": resources.INSPECTION_FILTERS,
    "/recommendations": resources.RECOMMENDATION_FILTERS,
    "/actions": resources.ACTION_FILTERS,
    "/progress-updates": resources.PROGRESS_FILTERS,
    "/statutory-deadlines": resources.DEADLINE_FILTERS,
}


def test_the_description_covers_every_api_route_and_no_other(app, client, description) -> None:
    routes = {
        re.sub(r"<int:(\w+)>", r"{\1}", rule.rule.removeprefix(API))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{API}/")
    }
    assert set(description["paths"]) == routes
    assert description["openapi"] == "3.1.0" and description["servers"] == [{"url": API}]
    operation_ids = [operation["get"]["operationId"] for operation in description["paths"].values()]
    assert len(set(operation_ids)) == len(operation_ids)


def test_each_list_documents_the_parameters_it_takes(description) -> None:
    for path, filters in FILTERS.items():
        documented = {
            parameter["$ref"].rsplit("/", 1)[1] for parameter in description["paths"][path]["get"]["parameters"]
        }
        assert documented == {*filters, *PAGING_PARAMETERS}, path
    for path in ("/inspections/{inspection_id}", "/actions/{action_id}"):
        (parameter,) = description["paths"][path]["get"]["parameters"]
        assert parameter["in"] == "path" and parameter["required"] is True


def test_its_schemas_are_valid_and_every_reference_resolves(description) -> None:
    for schema in description["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    text = json.dumps(description)
    for reference in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node = description
        for part in reference.split("/"):
            node = node[part]
        assert node, reference
