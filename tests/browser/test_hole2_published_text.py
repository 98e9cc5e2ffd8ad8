"""Issue 11, hole 2: the checks did not see what is published.

Comment text was dropped even from plain-text drafts (a 绝密 marking inside ``<!-- … -->`` passed),
``<!-- --!>`` hid from the checks text a browser shows, and comment text, ``title``/``alt`` and link
targets reach the public too. Chromium shows where each text ends up; the checks now find it,
located in the caller's string (``field`` says body, ``comment`` or ``attribute``).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from tests.workflow_helpers import make_people

SECRET = "本文件为绝密★启用前材料，申请人王小明，联系电话13800138000。"


@pytest.fixture(scope="module")
def check(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("hole2"))
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:

        def run(text: str, fmt: str) -> dict:
            r = client.post("/api/v1/check", json={"text": text, "format": fmt}, headers=people["cms"].headers)
            assert r.status_code == 200, r.text
            return r.json()

        yield run


def _found(result: dict, source: str, category: str, field: str, text: str) -> bool:
    return any(
        f["category"] == category and f.get("field", "body") == field and text in source[f["start"] : f["end"]]
        for f in result["findings"]
    )


def test_a_comment_in_plain_text_is_text_and_is_checked(check):
    source = f"通知。<!-- {SECRET} -->"
    result = check(source, "text")
    assert result["verdict"] == "block"
    assert _found(result, source, "secret.marking", "body", "绝密")
    assert _found(result, source, "pii.phone", "body", "13800138000")


def test_text_after_a_misclosed_comment_is_what_chromium_shows_and_is_checked(check, browser):
    source = f"<!-- --!><p>{SECRET}</p><!-- -->"
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><body><div id='page'></div>")
        shown = page.evaluate(
            "(b) => { const d = document.getElementById('page'); d.innerHTML = b; return d.innerText; }", source
        )
    finally:
        page.close()
    assert "绝密" in shown  # the reader sees it
    result = check(source, "html")
    assert _found(result, source, "secret.marking", "body", "绝密")


def test_comment_text_and_reader_facing_attributes_are_checked_where_they_are(check, browser):
    source = (
        f'<p title="内部资料，不得外传">通知。</p><!-- {SECRET} -->'
        '<p><img src="/a.jpg" alt="申请人王小明 联系电话13912345678"> '
        '<a href="mailto:wangxiaoming@example.com">联系我们</a></p>'
    )
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><body><div id='page'></div>")
        reached = page.evaluate(
            """(b) => { const d = document.getElementById('page'); d.innerHTML = b;
                 const comment = Array.from(d.childNodes).find((n) => n.nodeType === Node.COMMENT_NODE);
                 return [d.querySelector('p').title, comment.data, d.querySelector('img').alt,
                         d.querySelector('a').getAttribute('href')]; }""",
            source,
        )
    finally:
        page.close()
    assert reached[0] == "内部资料，不得外传" and "绝密" in reached[1]  # tooltip; page source
    assert "13912345678" in reached[2] and reached[3].startswith("mailto:wangxiaoming@")
    result = check(source, "html")
    assert result["verdict"] == "block"
    assert _found(result, source, "secret.marking", "attribute", "内部资料")
    assert _found(result, source, "secret.marking", "comment", "绝密")
    assert _found(result, source, "pii.phone", "comment", "13800138000")
    assert _found(result, source, "pii.phone", "attribute", "13912345678")
    assert _found(result, source, "pii.email", "attribute", "wangxiaoming@example.com")


def test_the_same_words_as_page_text_are_not_duplicated_into_other_fields(check):
    source = "<p>联系电话13800138000</p>"
    result = check(source, "html")
    assert [f.get("field", "body") for f in result["findings"] if f["category"] == "pii.phone"] == ["body"]
