"""Administration pages: people, departments, tokens, workflows, dictionary and allow list."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import User
from tests.web_helpers import login, login_attempt

SECRET = re.compile(r'id="shown-secret">.*?<code>([^<]+)</code>', re.S)


def test_only_admins_reach_the_admin_pages(admin) -> None:
    _, _, settings = admin
    with TestClient(create_app(settings)) as client:
        token = login(client, "rev3")
        for path in ("/admin/users", "/admin/tokens", "/admin/workflows", "/admin/dictionary"):
            assert client.get(path).status_code == 403
        assert (
            client.post("/admin/users", data={"csrf_token": token, "username": "x", "role": "admin"}).status_code == 403
        )
        assert "管理</a>" not in client.get("/queue").text


def test_create_a_user_with_a_one_time_password(admin) -> None:
    client, token, settings = admin
    page = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "zhang.san",
            "display_name": "张三",
            "role": "reviewer1",
            "department": "办公室",
        },
    )
    secret = SECRET.search(page.text).group(1)
    with TestClient(create_app(settings)) as newcomer:
        status, _ = login_attempt(newcomer, "zhang.san", secret)
        assert status == 303
        assert newcomer.get("/queue", follow_redirects=False).headers["location"] == "/password"
    duplicate = client.post("/admin/users", data={"csrf_token": token, "username": "zhang.san", "role": "editor"})
    assert duplicate.status_code == 422 and "已存在" in duplicate.text
    bad = client.post("/admin/users", data={"csrf_token": token, "username": "a b<", "role": "editor"})
    assert bad.status_code == 422


def test_reset_lock_and_deactivate(admin) -> None:
    client, token, settings = admin
    with unit_of_work(settings) as session:
        user_id = session.scalar(select(User.id).where(User.username == "proof1"))
    with TestClient(create_app(settings)) as victim:
        login(victim, "proof1")
        client.post(f"/admin/users/{user_id}", data={"csrf_token": token, "op": "toggle_active"})
        assert victim.get("/queue", follow_redirects=False).status_code == 303  # logged out at once
        assert login_attempt(victim, "proof1", "pw-proof1")[0] == 401
    client.post(f"/admin/users/{user_id}", data={"csrf_token": token, "op": "toggle_active"})
    reset = client.post(f"/admin/users/{user_id}", data={"csrf_token": token, "op": "reset_password"})
    secret = SECRET.search(reset.text).group(1)
    with TestClient(create_app(settings)) as victim:
        assert login_attempt(victim, "proof1", "pw-proof1")[0] == 401
        assert login_attempt(victim, "proof1", secret)[0] == 303
    own = client.post("/admin/users/999999", data={"csrf_token": token, "op": "unlock"})
    assert "用户不存在" in own.text


def test_change_role_and_department(admin) -> None:
    client, token, settings = admin
    with unit_of_work(settings) as session:
        user_id = session.scalar(select(User.id).where(User.username == "editor2"))
    client.post(
        f"/admin/users/{user_id}",
        data={"csrf_token": token, "op": "update", "role": "proofreader", "department": "教育局"},
    )
    with unit_of_work(settings) as session:
        user = session.get(User, user_id)
        assert user.role == "proofreader" and user.department.name == "教育局"
    refused = client.post(f"/admin/users/{user_id}", data={"csrf_token": token, "op": "update", "role": "king"})
    assert "角色无效" in refused.text


def test_tokens_are_shown_once_work_and_can_be_revoked(admin) -> None:
    client, token, _ = admin
    page = client.post(
        "/admin/tokens",
        data={"csrf_token": token, "username": "site-cms", "name": "门户网站", "days": "30", "scopes": ["check"]},
    )
    secret = SECRET.search(page.text).group(1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/check", json={"text": "测试文本。"}, headers=headers).status_code == 200
    token_id = re.search(r"/admin/tokens/(\d+)/revoke", page.text).group(1)
    client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert client.post("/api/v1/check", json={"text": "测试文本。"}, headers=headers).status_code == 401
    bad = client.post("/admin/tokens", data={"csrf_token": token, "username": "site-cms", "days": "0"})
    assert bad.status_code == 422 and "至少选择一项权限" in bad.text and "有效期" in bad.text


def test_workflow_definitions_are_listed(admin) -> None:
    client, _, _ = admin
    page = client.get("/admin/workflows").text
    stages = re.findall(r"<td>\d+</td><td>([^<]+)</td>", page)
    assert stages[:7] == ["一校", "二校", "三校", "初审", "复审", "会签", "终审"]
    assert "政务新媒体" in page and "政府网站" in page


def _check(client: TestClient, token: str, body: str) -> str:
    return client.post("/workspace", data={"csrf_token": token, "op": "check", "title": "通知", "body": body}).text


def test_dictionary_entries_take_effect_and_retire(admin) -> None:
    client, token, _ = admin
    text = "请各村村长按时参加会议，落实网格巡查任务。"
    assert 'data-category="term.banned"' in _check(client, token, text)  # shipped list: 村长
    added = client.post(
        "/admin/dictionary",
        data={"csrf_token": token, "kind": "wording", "text": "网格巡查", "reason": "本单位统一称网格化巡查",
              "suggestion": "网格化巡查", "severity": "warn"},
        follow_redirects=True,
    )  # fmt: skip
    assert "已添加词条" in added.text
    found = _check(client, token, text)
    assert "网格化巡查" in found
    entry_id = re.search(r'action="/admin/dictionary/(\d+)"', added.text).group(1)
    client.post(f"/admin/dictionary/{entry_id}", data={"csrf_token": token, "op": "retire"})
    assert "网格化巡查" not in _check(client, token, text)
    invalid = client.post(
        "/admin/dictionary", data={"csrf_token": token, "kind": "outdated", "text": "旧局", "reason": "撤销"}
    )
    assert invalid.status_code == 422 and "词条不符合词库格式" in invalid.text


def test_allow_list_silences_a_false_alarm(admin) -> None:
    client, token, _ = admin
    text = "请各村村长按时参加会议。"
    assert 'data-category="term.banned"' in _check(client, token, text)
    client.post(
        "/admin/dictionary", data={"csrf_token": token, "kind": "allow", "text": "村长", "reason": "本地习惯称谓"}
    )
    assert 'data-category="term.banned"' not in _check(client, token, text)
    assert "本地习惯称谓" in client.get("/admin/dictionary").text


def test_every_public_category_has_a_chinese_label() -> None:
    from checks.categories import PUBLIC_CATEGORIES
    from review_service.web.highlight import CATEGORY_LABELS

    assert [c for c in PUBLIC_CATEGORIES if c not in CATEGORY_LABELS] == []


def test_refusals_come_back_through_the_one_handler_in_each_pages_wording(admin) -> None:
    """A refused admin action flashes the refusal's own words on the page it came from and changes nothing."""
    client, token, settings = admin
    with unit_of_work(settings) as session:
        boss_id = session.scalar(select(User.id).where(User.username == "boss"))
    own = client.post(
        f"/admin/users/{boss_id}", data={"csrf_token": token, "op": "toggle_active"}, follow_redirects=False
    )
    assert own.status_code == 303 and own.headers["location"] == "/admin/users"
    shown = client.get("/admin/users").text
    assert "不能停用自己的账号" in shown and "错误代码" not in shown
    with unit_of_work(settings) as session:
        assert session.scalar(select(User.is_active).where(User.id == boss_id)) is True
    gone = client.post("/admin/tokens/999999/revoke", data={"csrf_token": token})
    assert gone.url.path == "/admin/tokens" and "令牌不存在或已吊销" in gone.text
    unknown = client.post("/messages/999999/read", data={"csrf_token": token}, follow_redirects=False)
    assert unknown.status_code == 303 and unknown.headers["location"] == "/messages"
    missing = client.get("/archive/documents/999999")
    assert missing.status_code == 404 and "该已发布页面不在档案中" in missing.text
    no_run = client.get("/archive/rechecks/999999/report")
    assert no_run.status_code == 404 and "没有这次复查" in no_run.text
