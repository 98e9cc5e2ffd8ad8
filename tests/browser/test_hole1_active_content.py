"""Issue 11, hole 1: active content a browser runs was accepted, approved and allowed by the gate.

The red cases are the issue's: a comment the old parser read differently from browsers hid an
``<img onerror>``. Chromium shows each is real (the handler fires), and the service refuses each
draft with a stable code, stores nothing, and the gate has nothing to allow; an ordinary rich-text
page still goes through all six stages and Chromium renders it without any event handler.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from tests.browser.gate_helpers import approve, create_html, gate
from tests.browser.html_oracle import chromium_handlers, quiet_page
from tests.workflow_helpers import make_people

IMG = '<img src="x" onerror="alert(1)">'
RED = {
    "<!--> ends an empty comment": f"<p>通知。</p><!-->{IMG}-->",
    "<!---> ends an empty comment": f"<p>通知。</p><!--->{IMG}-->",
    "--!> ends a comment": f"<p>通知。</p><!-- --!>{IMG}<!-- -->",
    "CDATA is a bogus comment up to the first >": f"<p>通知。</p><![CDATA[ > {IMG} ]]>",
}
REFUSED_WITH = {"active_content", "abrupt_closing_of_empty_comment", "incorrectly_closed_comment"}
ORDINARY = (
    '<h2 data-block-key="a1">一、检查范围</h2><p data-block-key="b2">各镇人民政府、街道办事处：'
    '<a href="https://www.gov.cn/zhengce/">有关政策</a>。</p><ul><li>危化品企业</li><li>建筑工地</li></ul>'
    '<p><img src="/media/images/meeting.jpg" alt="会议现场" class="richtext-image left"></p>'
)


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("hole1"))
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people


@pytest.mark.parametrize("body", RED.values(), ids=RED.keys())
def test_chromium_runs_the_hidden_handler(browser, body):
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><body><div id='draft'></div>")
        with page.expect_event("dialog") as dialog:  # alert(1) ran: the handler is live in a browser
            page.evaluate("(body) => { document.getElementById('draft').innerHTML = body; }", body)
        assert dialog.value.message == "1"
        dialog.value.dismiss()
    finally:
        page.close()


@pytest.mark.parametrize("body", RED.values(), ids=RED.keys())
def test_the_service_refuses_it_and_the_gate_has_nothing_to_allow(api, body):
    client, people = api
    before = client.get("/api/v1/drafts", headers=people["editor"].headers).json()
    refused = create_html(client, people, body)
    assert refused.status_code == 422
    assert refused.json()["code"] in REFUSED_WITH
    assert refused.json()["message"]["zh"] and refused.json()["message"]["en"]
    assert client.get("/api/v1/drafts", headers=people["editor"].headers).json() == before
    answer = gate(client, people, body)
    assert (answer["decision"], answer["reason"]) == ("refuse", "not_reviewed")


def test_an_approved_page_renders_without_any_event_handler(api, browser):
    client, people = api
    approve(client, people, ORDINARY)
    assert gate(client, people, ORDINARY)["decision"] == "allow"
    page = quiet_page(browser.new_page())
    try:
        assert chromium_handlers(page, [ORDINARY, *RED.values()]) == [[], *[["img onerror"]] * len(RED)]
    finally:
        page.close()
