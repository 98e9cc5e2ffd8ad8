"""The check routes get their engine through a FastAPI dependency, so a test (or a deployment) can swap it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from checks import CheckEngine
from checks.registry import CheckRegistry
from review_service import engines
from review_service.api.deps import get_checker
from review_service.api.main import create_app
from review_service.services.check import EngineChecker
from tests.api_helpers import make_settings, mint_token
from tests.docx_factory import make_docx, para, run

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "联系电话：13800138000。依据陆府办函[2024]121号文件执行。"


@pytest.fixture(scope="module")
def doc_number_only(engine: CheckEngine) -> CheckEngine:
    """An engine with one check (the session engine's, nothing rebuilt): whatever the routes answer comes
    from it, not from the process's engine."""
    return CheckEngine(
        CheckRegistry(engine.registry.select(categories=["format.doc_number"])), engine.segmenter, engine.policy
    )


@pytest.fixture
def client(tmp_path, doc_number_only):
    settings = make_settings(tmp_path)
    token = mint_token(settings)
    app = create_app(settings)
    app.dependency_overrides[get_checker] = lambda: EngineChecker(doc_number_only)
    builds = engines.engine_builds()
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client
    assert engines.engine_builds() == builds  # the start-up warmed the injected checker, built nothing else


def test_check_answers_with_the_injected_engine(client):
    response = client.post("/api/v1/check", json={"text": TEXT})
    assert response.status_code == 200, response.text
    found = response.json()["findings"]
    assert [(f["category"], TEXT[f["start"] : f["end"]]) for f in found] == [
        ("format.doc_number", "陆府办函[2024]121号")
    ]  # the phone number would be a pii.phone finding with the process's full engine


def test_mask_uses_the_injected_engine(client):
    response = client.post("/api/v1/mask", json={"text": TEXT})
    assert response.status_code == 200, response.text
    assert (response.json()["text"], response.json()["masked"]) == (TEXT, [])  # no PII check in this engine


def test_docx_merges_hidden_content_with_the_injected_engines_findings(client):
    data = make_docx([para(run(TEXT))], author="李科长", comments=[("王审核", "此段请删除")])
    response = client.post("/api/v1/check/docx", files={"file": ("a.docx", data, DOCX)})
    assert response.status_code == 200, response.text
    body = response.json()
    categories = [f["category"] for f in body["findings"]]
    assert "format.doc_number" in categories and "secret.docx_comments" in categories
    assert not any(c.startswith("pii.") for c in categories)
    assert body["stats"]["findings"] == len(body["findings"]) and body["verdict"] == "block"
