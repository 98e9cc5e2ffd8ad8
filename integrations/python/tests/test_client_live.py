"""The client against a real service process: typed answers, error codes, 三审三校, gate and receipts."""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime as dt
import json

import pytest
from review_client import (
    ApiError,
    AsyncReviewClient,
    AuthError,
    KeySetCache,
    ReceiptError,
    ReviewClient,
    ServiceUnavailable,
    content_hash,
)
from review_client.receipts import verify_receipt

# Slow tier (`make test` runs it, `make test-fast` does not): starts the service as a process of its own.
pytestmark = pytest.mark.slow

TITLE = "关于开展安全生产大检查的通知"
BODY = "<p>各镇人民政府、街道办事处：</p><p>为切实做好安全生产工作，现就有关事项通知如下。</p>"
STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]


def client(service, who: str, **kwargs) -> ReviewClient:
    return ReviewClient(service.base_url, service.tokens[who], **kwargs)


def approved_draft(service, body: str = BODY, *, until_final: bool = True) -> int:
    with client(service, "editor") as editor:
        draft = editor.create_draft(title=TITLE, body=body, format="html", summary="摘要")
        editor.submit(draft.id)
    for who, action in STEPS + ([("rev3", "approve")] if until_final else []):
        with client(service, who) as person:
            person.act(draft.id, action)
    return draft.id


def test_check_and_mask_are_typed(service):
    with client(service, "site-cms") as cms:
        result = cms.check("申请人王小明，联系电话13800138000。", title="公示", doc_type="publicity")
        assert result.verdict == "block"
        phone = next(f for f in result.findings if f.category == "pii.phone")
        assert (phone.start, phone.end, phone.suggestion) == (11, 22, "138****8000")
        masked = cms.mask("联系电话13800138000。")
        assert masked.text == "联系电话138****8000。" and masked.masked[0].category == "pii.phone"


def test_errors_carry_the_services_code(service):
    with client(service, "site-cms") as cms:
        with pytest.raises(ApiError) as bad:
            cms.check("   ")
        assert bad.value.status == 422 and bad.value.code == "empty_text" and bad.value.message_zh
        with pytest.raises(ApiError) as bad:
            cms.check("x", channel="print")
        assert bad.value.code == "invalid_channel"
    with ReviewClient(service.base_url, "rvs_not-a-token") as stranger, pytest.raises(AuthError) as denied:
        stranger.check("x")
    assert denied.value.status == 401 and denied.value.code == "invalid_token"


def test_a_token_without_the_publish_scope_cannot_ask_the_gate(service):
    with client(service, "checker") as checker, pytest.raises(AuthError) as denied:
        checker.publish_gate(channel="website", title=TITLE, body=BODY, format="html")
    assert denied.value.status == 403 and denied.value.code == "insufficient_scope"


def test_gate_refuses_until_final_approval_and_names_the_stage(service):
    draft_id = approved_draft(service, BODY.replace("通知如下", "通知如下（待审）"), until_final=False)
    body = BODY.replace("通知如下", "通知如下（待审）")
    with client(service, "site-cms") as cms:
        gate = cms.publish_gate(channel="website", title=TITLE, body=body, summary="摘要", format="html")
    assert not gate.allowed and gate.reason == "not_approved" and "终审" in gate.message_zh
    assert gate.draft_id == draft_id
    assert gate.content_hash == content_hash(title=TITLE, body=body, summary="摘要", body_format="html")


def test_receipt_verifies_offline_and_bad_receipts_are_refused(service):
    approved_draft(service)
    with client(service, "site-cms") as cms:
        gate = cms.publish_gate(channel="website", title=TITLE, body=BODY, summary="摘要", format="html")
        assert gate.allowed and gate.receipt
        payload = cms.verify_receipt(
            gate.receipt, channel="website", title=TITLE, body=BODY, summary="摘要", format="html"
        )
        assert payload["content_hash"] == gate.content_hash
        # spelling of the markup does not matter, content does
        cms.verify_receipt(
            gate.receipt, channel="website", title=TITLE, body=BODY.replace("<p>", "<P>"), summary="摘要", format="html"
        )

        def refused(receipt, **overrides) -> str:
            content = {"title": TITLE, "body": BODY, "summary": "摘要", "format": "html", "channel": "website"}
            with pytest.raises(ReceiptError) as error:
                cms.verify_receipt(receipt, **{**content, **overrides})
            return error.value.code

        # the page changed between the gate and the publish: the receipt no longer covers it
        assert refused(gate.receipt, body=BODY + "<p>追加一段</p>") == "content_mismatch"
        assert refused(gate.receipt, summary="另一摘要") == "content_mismatch"
        assert refused(gate.receipt, channel="new_media") == "wrong_channel"
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
        with pytest.raises(ReceiptError) as expired:
            cms.verify_receipt(
                gate.receipt, channel="website", title=TITLE, body=BODY, summary="摘要", format="html", now=later
            )
        assert expired.value.code == "receipt_expired"
        forged = copy.deepcopy(gate.receipt)
        forged["payload"]["content_hash"] = content_hash(title=TITLE, body="伪造", body_format="html")
        assert refused(forged, body="伪造") == "bad_signature"
        stretched = copy.deepcopy(gate.receipt)
        stretched["payload"]["expires_at"] = (dt.datetime.now(dt.UTC) + dt.timedelta(days=365)).isoformat()
        assert refused(stretched) == "bad_signature"
        assert refused({"payload": "x"}) == "receipt_malformed"
        garbage = {**gate.receipt, "signature": base64.urlsafe_b64encode(b"\0" * 64).decode().rstrip("=")}
        assert refused(garbage) == "bad_signature"


def test_key_rotation_refreshes_the_cache_once_and_old_receipts_stay_valid(service, tmp_path):
    approved_draft(service, BODY.replace("通知", "通告"))
    body = BODY.replace("通知", "通告")
    content = {"channel": "website", "title": TITLE, "body": body, "summary": "摘要", "format": "html"}
    keys = KeySetCache(min_refresh=0.0, path=tmp_path / "keyset.json")
    with client(service, "site-cms", keys=keys) as cms:
        old = cms.publish_gate(**content).receipt
        cms.verify_receipt(old, **content)
        assert keys.fetches == 1
        service.cli("keys", "rotate")
        new = cms.publish_gate(**content).receipt
        assert new["payload"]["kid"] != old["payload"]["kid"]
        cms.verify_receipt(new, **content)  # unknown key id: one refetch, then it verifies
        assert keys.fetches == 2
        cms.verify_receipt(old, **content)  # the retired key is still published
        assert keys.fetches == 2
        retired = next(k for k in keys.jwks["keys"] if k["kid"] == old["payload"]["kid"])
        assert retired["status"] == "retired" and retired["retired_at"] >= old["payload"]["issued_at"]
    stingy = KeySetCache(min_refresh=3600.0)
    with client(service, "site-cms", keys=stingy) as cms:
        forged = copy.deepcopy(old)
        forged["payload"]["kid"] = "k-forged"
        for _ in range(3):
            with pytest.raises(ReceiptError) as unknown:
                cms.verify_receipt(forged, **content)
            assert unknown.value.code == "unknown_key"
        assert stingy.fetches == 1  # forged key ids do not make the client hammer the service
    # the stored key set verifies while the service is unreachable
    offline = KeySetCache(path=tmp_path / "keyset.json")
    with ReviewClient("http://127.0.0.1:9", "x", keys=offline) as down:
        down.verify_receipt(new, **content)
    assert verify_receipt(new, json.loads((tmp_path / "keyset.json").read_text()), content_hash=None, channel=None)


def test_browser_token_is_check_only(service):
    with client(service, "site-cms") as cms:
        browser = cms.browser_token("zhangsan", ttl_seconds=120)
    assert browser.scopes == ["check"] and browser.user == "zhangsan"
    assert browser.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=120)
    assert "rvs_" not in repr(browser)
    with ReviewClient(service.base_url, browser.token) as widget:
        assert widget.check("你好").verdict == "pass"
        with pytest.raises(AuthError) as denied:
            widget.publish_gate(channel="website", title="t", body="b")
    assert denied.value.code == "insufficient_scope"


def test_async_client_does_the_same(service):
    async def scenario() -> None:
        async with AsyncReviewClient(service.base_url, service.tokens["editor"]) as editor:
            draft = await editor.create_draft(title="异步", body="<p>异步送审的正文。</p>", format="html")
            await editor.submit(draft.id)
        for who, action in [*STEPS, ("rev3", "approve")]:
            async with AsyncReviewClient(service.base_url, service.tokens[who]) as person:
                await person.act(draft.id, action)
        async with AsyncReviewClient(service.base_url, service.tokens["site-cms"]) as cms:
            assert (await cms.check("联系电话13800138000")).verdict == "block"
            gate = await cms.publish_gate(
                channel="website", title="异步", body="<p>异步送审的正文。</p>", format="html"
            )
            assert gate.allowed
            payload = await cms.verify_receipt(
                gate.receipt, channel="website", title="异步", body="<p>异步送审的正文。</p>", format="html"
            )
            assert payload["draft_id"] == draft.id
            with pytest.raises(ReceiptError):
                await cms.verify_receipt(gate.receipt, channel="website", title="异步", body="改了", format="html")
            with pytest.raises(ApiError) as bad:
                await cms.check("")
            assert bad.value.code == "empty_text"

    asyncio.run(scenario())


def test_a_cms_creates_drafts_on_behalf_of_a_person_and_withdraws_them(service):
    with client(service, "cms-drafts") as cms:
        with pytest.raises(ApiError) as missing:
            cms.create_draft(title=TITLE, body=BODY, format="html")
        assert (missing.value.status, missing.value.code) == (422, "author_required")
        with pytest.raises(ApiError) as invalid:
            cms.create_draft(title=TITLE, body=BODY, format="html", on_behalf_of="cms-drafts")
        assert invalid.value.code == "invalid_author"
        draft = cms.create_draft(title=TITLE, body=BODY + "<p>代送审。</p>", format="html", on_behalf_of="rev1")
        assert (draft.author, draft.created_by) == ("rev1", "cms-drafts")
        draft = cms.submit(draft.id)
        assert draft.status == "in_review" and "withdraw" in draft.actions
        with pytest.raises(ApiError) as early:
            cms.withdraw(draft.id, expected_revision=draft.revision - 1)
        assert early.value.code == "stale"
        back = cms.withdraw(draft.id, comment="页面已修改", expected_revision=draft.revision)
        assert (back.status, back.stage) == ("draft", None) and "submit" in back.actions
        with pytest.raises(ApiError) as again:
            cms.withdraw(draft.id)
        assert (again.value.status, again.value.code) == (409, "wrong_status")
        draft = cms.submit(draft.id)
    for who, action in STEPS[:3]:
        with client(service, who) as person:
            person.act(draft.id, action)
    with client(service, "rev1") as rev1:  # the CMS editor who is also 初审 cannot approve their own page
        assert "approve" not in rev1.get_draft(draft.id).actions
        with pytest.raises(ApiError) as own:
            rev1.act(draft.id, "approve")
        assert own.value.code == "own_draft"
        assert rev1.withdraw(draft.id).status == "draft"  # as the author, rev1 may take it back
    with client(service, "proof1") as proof1, pytest.raises(ApiError) as not_author:
        proof1.withdraw(draft.id)
    assert not_author.value.code in ("wrong_status", "not_author")


def test_async_client_creates_on_behalf_and_withdraws(service):
    async def scenario() -> None:
        async with AsyncReviewClient(service.base_url, service.tokens["cms-drafts"]) as cms:
            with pytest.raises(ApiError) as missing:
                await cms.create_draft(title="异步代送审", body="<p>正文。</p>", format="html")
            assert missing.value.code == "author_required"
            draft = await cms.create_draft(
                title="异步代送审", body="<p>异步代送审的正文。</p>", format="html", on_behalf_of="editor"
            )
            assert draft.author == "editor"
            draft = await cms.submit(draft.id)
            back = await cms.withdraw(draft.id, comment="撤回")
            assert back.status == "draft"
            with pytest.raises(ApiError) as again:
                await cms.withdraw(draft.id)
            assert again.value.code == "wrong_status"

    asyncio.run(scenario())


def test_unreachable_service_is_a_clear_error():
    with ReviewClient("http://127.0.0.1:9", "x") as down, pytest.raises(ServiceUnavailable) as error:
        down.check("x")
    assert error.value.code == "service_unreachable" and error.value.message_zh
