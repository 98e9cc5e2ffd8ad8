"""The client hashes content exactly as the service does: same code, same shared test vectors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from review_client.canonical import content_hash

REPO = Path(__file__).resolve().parents[3]
VECTORS = REPO / "docs" / "canonical-hash-vectors.jsonl"


def vectors() -> list[dict]:
    return [json.loads(line) for line in VECTORS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("vector", vectors(), ids=lambda v: v["name"])
def test_shared_vectors(vector):
    args = {k: vector[k] for k in ("title", "body", "summary", "body_format", "attachments", "form_version")}
    assert content_hash(**args) == vector["content_hash"]


def test_the_client_ships_the_services_definition_unchanged():
    spec = importlib.util.spec_from_file_location(
        "sync_client_canonical", REPO / "scripts" / "sync_client_canonical.py"
    )
    assert spec and spec.loader
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    assert sync.main(["--check"]) == 0, "run scripts/sync_client_canonical.py"
