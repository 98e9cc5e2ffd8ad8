"""Property-based run over the whole OpenAPI schema: no generated request may cause a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from review_service.api.main import create_app
from tests.api_helpers import make_settings, mint_token

EXAMPLES_PER_OPERATION = 120
MIN_REQUESTS = 1000


@pytest.mark.slow
def test_generated_requests_never_cause_server_errors(tmp_path):
    app_settings = make_settings(tmp_path)
    token = mint_token(app_settings, scopes=["check", "drafts", "publish"])  # reach every route's logic
    app = create_app(app_settings)
    with TestClient(app):  # run the lifespan once: migrations and engine warm-up
        pass
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/check", "/api/v1/mask", "/api/v1/check/docx"}

    # Negative (schema-violating) requests need something to violate: only operations with a body.
    runs = [(op, GenerationMode.POSITIVE) for op in operations]
    runs += [(op, GenerationMode.NEGATIVE) for op in operations if op.method.upper() == "POST"]
    for operation, mode in runs:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call()
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        call()

    assert len(statuses) >= MIN_REQUESTS, f"only {len(statuses)} generated requests"
    assert not [s for s in statuses if s >= 500]
    assert 200 in statuses  # the generator reached the happy path, not only rejections
