"""Hole 4: one text limit at every entry point, one code, nothing stored when refused.

The limit is set low (REVIEW_MAX_TEXT_CHARS=1000) so the tests stay fast; the default is 200,000.
"""

from __future__ import annotations

import argparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review_service.api.main import create_app
from review_service.cli import EXIT_BAD_INPUT, build_parser
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import AuditEntry, Draft, DraftVersion
from tests.api_helpers import make_settings, mint_token
from tests.docx_factory import make_docx, para, run
from tests.workflow_helpers import make_people

LIMIT = 1000
AT_LIMIT = "县" * LIMIT
OVER = "县" * (LIMIT + 1)
TITLE = "关于开展安全生产大检查的通知"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path, max_text_chars=LIMIT)
    people = make_people(settings)
    check = {"Authorization": f"Bearer {mint_token(settings, name='cms-check', scopes=['check'])}"}
    with TestClient(create_app(settings)) as client:
        yield client, people, settings, check


def _counts(settings: Settings) -> tuple[int, int, int]:
    with unit_of_work(settings) as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Draft, DraftVersion, AuditEntry))


def _is_too_long(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["code"] == "text_too_long"
    assert str(LIMIT) in body["message"]["zh"] and str(LIMIT) in body["message"]["en"]


def test_the_default_limit_is_200000_characters():
    assert Settings().max_text_chars == 200_000


@pytest.mark.parametrize("path", ["/api/v1/check", "/api/v1/mask"])
def test_check_and_mask_refuse_one_character_over(env, path):
    client, _, _, check = env
    _is_too_long(client.post(path, json={"text": OVER}, headers=check))
    assert client.post(path, json={"text": AT_LIMIT}, headers=check).status_code == 200


def test_creating_a_draft_over_the_limit_changes_nothing(env):
    client, people, settings, _ = env
    before = _counts(settings)
    r = client.post("/api/v1/drafts", json={"title": TITLE, "body": OVER}, headers=people["editor"].headers)
    _is_too_long(r)
    assert _counts(settings) == before
    ok = client.post("/api/v1/drafts", json={"title": TITLE, "body": AT_LIMIT}, headers=people["editor"].headers)
    assert ok.status_code == 201, ok.text


def test_a_new_version_over_the_limit_changes_nothing(env):
    client, people, settings, _ = env
    editor = people["editor"].headers
    draft = client.post("/api/v1/drafts", json={"title": TITLE, "body": "县政府召开常务会议。"}, headers=editor).json()
    before = _counts(settings)
    _is_too_long(client.put(f"/api/v1/drafts/{draft['id']}", json={"title": TITLE, "body": OVER}, headers=editor))
    assert _counts(settings) == before
    # a proofreader's edit is a new version too
    assert client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=editor).status_code == 200
    before = _counts(settings)
    edit = {"action": "edit", "content": {"title": TITLE, "body": OVER}}
    _is_too_long(client.post(f"/api/v1/drafts/{draft['id']}/actions", json=edit, headers=people["proof1"].headers))
    assert _counts(settings) == before
    assert client.get(f"/api/v1/drafts/{draft['id']}", headers=editor).json()["current_version"] == 1


def test_the_text_extracted_from_a_docx_is_limited_not_just_the_file(env):
    client, _, _, check = env
    small_file = make_docx([para(run("县" * 600)), para(run("市" * 600))])  # a few KB, 1,200+ characters
    r = client.post(
        "/api/v1/check/docx",
        files={
            "file": ("a.docx", small_file, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        },
        headers=check,
    )
    _is_too_long(r)


def test_archive_import_refuses_a_page_over_the_limit(env):
    client, people, _, _ = env
    doc = {"url": "https://www.example.gov.cn/a.html", "title": "通知", "published_at": "2024-01-15"}
    r = client.post(
        "/api/v1/archive/documents", json={"documents": [{**doc, "content": OVER}]}, headers=people["rev3"].headers
    )
    assert r.status_code in (413, 422) and r.json()["code"] == "text_too_long", r.text
    ok = client.post(
        "/api/v1/archive/documents", json={"documents": [{**doc, "content": AT_LIMIT}]}, headers=people["rev3"].headers
    )
    assert ok.status_code == 200 and ok.json()["added"] == 1


def test_the_command_line_check_refuses_a_file_over_the_limit(tmp_path, capsys):
    path = tmp_path / "long.txt"
    path.write_text(OVER, encoding="utf-8")
    settings = Settings(data_dir=tmp_path, max_text_chars=LIMIT)
    args = build_parser().parse_args(["check", str(path), "--format", "text"])
    assert isinstance(args, argparse.Namespace)
    assert args.func(args, settings) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "text_too_long" in err and "正文超过 1000 字的上限" in err
    args = build_parser().parse_args(["--lang", "en", "check", str(path), "--format", "text"])
    assert args.func(args, settings) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "text_too_long" in err and "exceeds the limit of 1000" in err
