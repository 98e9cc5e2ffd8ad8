"""Issue 11, hole 3: different content, one content hash.

Form 2 sorted duplicate attributes (browsers keep the first), turned a tag cut off at the end into
escaped text, decoded ``&lt=`` in attributes and trimmed attribute values. For each pair below
form 2 gave one hash while Chromium builds two different DOMs; form 3 gives two hashes. The gate
follows the browser: a swapped link is refused even with the approved one also present.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from checks.canonical import content_hash
from review_service.api.main import create_app
from review_service.config import Settings
from tests.browser.gate_helpers import TITLE, approve, create_html, gate
from tests.browser.html_oracle import chromium_doms, quiet_page
from tests.workflow_helpers import make_people

LINK = '<p>请访问<a href="https://www.gov.cn/">中国政府网</a>。</p>'
PAIRS = {
    "duplicate attributes": (
        '<p><a href="https://www.gov.cn/" href="https://evil.example/">政策</a></p>',
        '<p><a href="https://evil.example/" href="https://www.gov.cn/">政策</a></p>',
    ),
    "a tag cut off at the end vs escaped text": (
        "<p>通知</p><img src=x onerror=alert(1)",
        "<p>通知</p>&lt;img src=x onerror=alert(1)",
    ),
    "&lt= in an attribute": ('<a title="a&lt=b" href="/x">链接</a>', '<a title="a<=b" href="/x">链接</a>'),
    "a trimmed attribute value": ('<a href="/x" title=" 说明 ">链接</a>', '<a href="/x" title="说明">链接</a>'),
}


def _hash(body: str, form: int) -> str:
    return content_hash(title=TITLE, body=body, body_format="html", form_version=form)


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("hole3"))
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people


@pytest.mark.parametrize("pair", PAIRS.values(), ids=PAIRS.keys())
def test_form_2_collided_where_chromium_builds_two_trees_and_form_3_does_not(browser, pair):
    a, b = pair
    assert _hash(a, 2) == _hash(b, 2)  # the hole
    page = quiet_page(browser.new_page())
    try:
        dom_a, dom_b = chromium_doms(page, [a, b])
    finally:
        page.close()
    assert dom_a != dom_b
    assert _hash(a, 3) != _hash(b, 3)


def test_the_gate_follows_the_browser_on_a_duplicated_link(api, browser):
    client, people = api
    approve(client, people, LINK)
    same_for_a_reader = LINK.replace(
        'href="https://www.gov.cn/"', 'href="https://www.gov.cn/" href="https://evil.example/"'
    )
    swapped = LINK.replace('href="https://www.gov.cn/"', 'href="https://evil.example/" href="https://www.gov.cn/"')
    page = quiet_page(browser.new_page())
    try:
        approved_dom, same_dom, swapped_dom = chromium_doms(page, [LINK, same_for_a_reader, swapped])
    finally:
        page.close()
    assert approved_dom == same_dom != swapped_dom
    assert gate(client, people, LINK)["decision"] == "allow"
    assert gate(client, people, same_for_a_reader)["decision"] == "allow"
    assert (gate(client, people, swapped)["decision"], gate(client, people, swapped)["reason"]) == (
        "refuse",
        "not_reviewed",
    )


def test_the_gate_refuses_a_cut_off_tag_where_escaped_text_was_approved(api):
    client, people = api
    escaped, cut_off = PAIRS["a tag cut off at the end vs escaped text"][::-1]
    approve(client, people, escaped, title="转义文本")
    assert gate(client, people, escaped, title="转义文本")["decision"] == "allow"
    refused = gate(client, people, cut_off, title="转义文本")
    assert (refused["decision"], refused["reason"]) == ("refuse", "not_reviewed")


def test_elements_html5lib_parses_otherwise_than_chromium_are_refused(api, browser):
    # Chromium closes a <p> before <search> and <dialog>; html5lib 1.1 does not know them
    client, people = api
    page = quiet_page(browser.new_page())
    try:
        for name in ("search", "dialog"):
            a, b = f"<p>一<{name}>二</{name}></p>", f"<p>一<{name}>二</{name}>"
            assert _hash(a, 3) == _hash(b, 3)
            dom_a, dom_b = chromium_doms(page, [a, b])
            assert dom_a != dom_b
            for body in (a, b):
                refused = create_html(client, people, body)
                assert (refused.status_code, refused.json()["code"]) == (422, "unsupported_element")
    finally:
        page.close()
