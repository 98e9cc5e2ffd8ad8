"""`review-service check FILE.docx` answers what the API's /check/docx answers: one service function merges
the visible text's findings with the hidden content's."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.cli import main
from tests.api_helpers import make_settings, mint_token
from tests.docx_factory import deletion, make_docx, para, run

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_cli_and_api_give_the_same_docx_findings_and_verdict(tmp_path, capsys) -> None:
    data = make_docx(
        [para(run("联系电话：13800138000。")), para(run("已删除"), deletion("内部资料不得外传"))],
        author="李科长",
        comments=[("王审核", "此段请删除")],
    )
    source = tmp_path / "draft.docx"
    source.write_bytes(data)
    settings = make_settings(tmp_path / "data")
    token = {"Authorization": f"Bearer {mint_token(settings)}"}
    with TestClient(create_app(settings)) as client:
        api = client.post("/api/v1/check/docx", files={"file": ("draft.docx", data, DOCX)}, headers=token).json()
    main(["check", str(source), "--json"], settings)
    cli = json.loads(capsys.readouterr().out)
    assert cli["findings"] == api["findings"] and cli["verdict"] == api["verdict"] == "block"
    assert {"pii.phone", "secret.docx_revisions", "secret.docx_comments"} <= {f["category"] for f in cli["findings"]}
