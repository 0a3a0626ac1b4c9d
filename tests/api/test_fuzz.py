"""Property-based fuzzing of every operation in the OpenAPI document (schemathesis): no 5xx,
documented status codes and content types, responses that match their schemas, and invalid
input rejected. Valid (positive) and invalid (negative) cases, a few examples each.

schemathesis' own pytest plugin (``from_fixture``) does not run under pytest 9, so each
operation gets a plain parametrized test driving ``operation.as_strategy()`` with Hypothesis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from graph.settings import Settings
from tests.api.conftest import TOKEN

SPEC = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def _cases() -> list[tuple[str, str, GenerationMode]]:
    """(method, path, mode) for every documented operation; invalid input only where there is input."""
    app = create_app({"SETTINGS": Settings(db_path=Path("/nonexistent/akg.lbug")), "TESTING": True})
    paths = app.test_client().get(SPEC).get_json()["paths"]
    out = []
    for path, item in paths.items():
        for method, op in item.items():
            out.append((method.upper(), path, GenerationMode.POSITIVE))
            if op.get("parameters") or op.get("requestBody"):
                out.append((method.upper(), path, GenerationMode.NEGATIVE))
    return sorted(out, key=lambda c: (c[1], c[0], c[2].value))


@pytest.fixture(scope="module")
def api_schema(app: Any) -> Any:
    fuzzed = create_app({"SETTINGS": app.extensions["akg"].settings, "STORE": app.extensions["akg"].store(),
                         "TESTING": True, "API_TOKENS": TOKEN, "CACHE_SIZE": 256, "QUERY_RATE": 1_000_000})
    return schemathesis.openapi.from_wsgi(SPEC, fuzzed)


@pytest.mark.parametrize(("method", "path", "mode"), _cases(),
                         ids=lambda v: v.value if isinstance(v, GenerationMode) else str(v))
def test_operation_conforms(api_schema: Any, method: str, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=15, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    run()
