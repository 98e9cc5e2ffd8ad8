"""REVIEW_MASK_STYLE: how names are masked, the same in the pure check, the API, attachments and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from checks import DraftInput, EngineConfig
from checks.engine import CheckEngine, Resources
from checks.pii.factories import build_pii_check
from checks.pii.masking import NameMaskStyle, mask_person_name
from checks.registry import CheckRegistry
from review_service.api.main import create_app
from review_service.config import Settings, get_settings
from tests import attachment_factory as af
from tests.api_helpers import make_settings, mint_token
from tests.workflow_helpers import make_people

SURNAMES = frozenset({"王", "欧阳"})
LIST = "关于2024年度临时救助对象的公示\n户主姓名：王小明\n"


@pytest.mark.parametrize(
    ("name", "style", "masked"),
    [
        ("王小明", NameMaskStyle.KEEP_LAST, "王*明"),
        ("王明", NameMaskStyle.KEEP_LAST, "王*"),
        ("欧阳小涵", NameMaskStyle.KEEP_LAST, "欧阳*涵"),
        ("王小明", NameMaskStyle.SURNAME, "王**"),
        ("王明", NameMaskStyle.SURNAME, "王*"),
        ("欧阳小涵", NameMaskStyle.SURNAME, "欧阳**"),
    ],
)
def test_the_two_styles(name, style, masked):
    assert mask_person_name(name, SURNAMES, style=style) == masked


def _pii_engine(engine: CheckEngine, style: str) -> CheckEngine:
    """The personal-data check alone, built with ``style`` on the session engine's segmenter."""
    check = build_pii_check(Resources(config=EngineConfig(name_mask_style=style), segmenter=engine.segmenter))
    return CheckEngine(CheckRegistry([check]), engine.segmenter, engine.policy)


@pytest.mark.parametrize(("style", "suggestion"), [("keep_last", "王*明"), ("surname", "王**")])
def test_the_engine_builds_the_configured_style(engine, style, suggestion):
    result = _pii_engine(engine, style).check(DraftInput(body=LIST))
    assert [f.suggestion for f in result.findings if f.category == "pii.person_name"] == [suggestion]


def test_an_unknown_style_is_refused_when_the_engine_is_built(engine):
    with pytest.raises(ValueError):
        _pii_engine(engine, "initials")


def test_the_setting_reads_the_environment_and_refuses_other_values(monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEW_MASK_STYLE", "surname")
    assert Settings(data_dir=tmp_path).mask_style == "surname"
    monkeypatch.setenv("REVIEW_MASK_STYLE", "initials")
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path)


@pytest.fixture
def surname_env(monkeypatch, tmp_path):
    """A server started with REVIEW_MASK_STYLE=surname (every process reads its environment)."""
    monkeypatch.setenv("REVIEW_MASK_STYLE", "surname")
    get_settings.cache_clear()
    settings = make_settings(tmp_path)
    assert settings.mask_style == "surname"
    people = make_people(settings)
    try:
        with TestClient(create_app(settings)) as client:
            yield client, people, settings
    finally:
        get_settings.cache_clear()


def test_api_mask_and_attachment_masking_follow_the_setting(surname_env):
    client, people, settings = surname_env
    auth = {"Authorization": f"Bearer {mint_token(settings)}"}
    r = client.post("/api/v1/mask", json={"text": "户主姓名：王小明", "title": "困难群众救助名单"}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["text"] == "户主姓名：王**"

    editor = people["editor"].headers
    draft = client.post(
        "/api/v1/drafts", json={"title": "关于临时救助对象的公示", "body": "名单见附件。"}, headers=editor
    ).json()
    data = af.csv_bytes([["序号", "户主姓名"], [1, "王秀英"]])
    added = client.post(
        f"/api/v1/drafts/{draft['id']}/attachments", files={"file": ("名单.csv", data, "text/csv")}, headers=editor
    ).json()
    assert [f["suggestion"] for f in added["findings"]] == ["王**"]
    r = client.post(f"/api/v1/drafts/{draft['id']}/attachments/{added['id']}/mask", headers=editor)
    assert r.status_code == 200, r.text
    content = client.get(f"/api/v1/drafts/{draft['id']}/attachments/{added['id']}/content", headers=editor).content
    assert "王**".encode() in content and "王秀英".encode() not in content and "王*英".encode() not in content


def _cli(args: list[str], data_dir, style: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVIEW_DATA_DIR": str(data_dir), "REVIEW_MASK_STYLE": style}
    return subprocess.run(
        [sys.executable, "-m", "review_service.cli", *args], capture_output=True, text=True, env=env, input=stdin,
        timeout=300,
    )  # fmt: skip


@pytest.mark.slow  # the CLI as processes
def test_cli_check_follows_the_setting_and_refuses_a_bad_one(tmp_path):
    out = _cli(["check", "-"], tmp_path, "surname", LIST)
    assert out.returncode == 0, out.stderr
    assert "建议改为：王**" in out.stdout
    bad = _cli(["check", "-"], tmp_path, "initials", LIST)
    assert bad.returncode == 3
    assert "REVIEW_MASK_STYLE" in bad.stderr and "Traceback" not in bad.stderr
