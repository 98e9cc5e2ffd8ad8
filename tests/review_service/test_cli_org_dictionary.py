"""`review-service check` applies the organisation's dictionary exactly as the API's /check does."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from review_service import org_dictionary
from review_service.api.main import create_app
from review_service.cli import main
from review_service.db import unit_of_work, upgrade
from review_service.users import create_user
from tests.api_helpers import make_settings, mint_token

TEXT = "会议要求，各单位一把手要亲自抓、负总责。联系电话：13800138000。"


def spans(findings: list[dict]) -> list[tuple[str, int, int, str, str | None]]:
    return sorted((f["category"], f["start"], f["end"], f["rule"], f["suggestion"]) for f in findings)


def cli_findings(settings, tmp_path, capsys) -> list[dict]:
    source = tmp_path / "draft.txt"
    source.write_text(TEXT, encoding="utf-8")
    main(["check", str(source), "--json"], settings)
    return json.loads(capsys.readouterr().out)["findings"]


def test_cli_and_api_give_the_same_findings_with_the_organisation_dictionary(tmp_path, capsys) -> None:
    settings = make_settings(tmp_path / "data")
    assert "一把手" not in {TEXT[f["start"] : f["end"]] for f in cli_findings(settings, tmp_path, capsys)}
    upgrade(settings)
    with unit_of_work(settings) as session:
        boss, _ = create_user(session, username="boss", role="admin")
        org_dictionary.create(
            session,
            user=boss,
            kind="wording",
            text="一把手",
            data={"reason": "公开文稿不称“一把手”", "suggestion": "主要负责同志"},
        )
    token = {"Authorization": f"Bearer {mint_token(settings)}"}
    with TestClient(create_app(settings)) as client:
        api = client.post("/api/v1/check", json={"text": TEXT}, headers=token).json()["findings"]
    cli = cli_findings(settings, tmp_path, capsys)
    assert spans(cli) == spans(api)
    assert ("一把手", "主要负责同志") in {(TEXT[f["start"] : f["end"]], f["suggestion"]) for f in cli}
