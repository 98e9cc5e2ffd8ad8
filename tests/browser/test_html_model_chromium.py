"""Generated HTML against Chromium: the content hash follows the browser's tree, and nothing approved runs.

Hypothesis builds bodies from pieces that stress the HTML parser (comments closed every odd way,
CDATA, raw-text elements, tables, duplicate and padded attributes, entities with and without
``;``, a tag cut off at the end) and, for each, a respelled variant that may or may not change
the tree. Chromium is the oracle (``div.innerHTML``; never html5lib, which makes the hash):
- two bodies with one form-3 hash, either of which the service accepts, have one Chromium DOM;
- two accepted bodies with one Chromium DOM have one hash (approvals survive respelling);
- no body the service accepts makes Chromium build an element with an event handler.
Examples are batched: one page evaluates every body of an example at once.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.canonical import canonical_html
from checks.html_safety import html_refusal
from tests.browser.html_oracle import chromium_doms, chromium_handlers, quiet_page

PIECES = [
    "<p>",
    "</p>",
    "<P>",
    "<div>",
    "</div>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<span>",
    "</span>",
    "<br>",
    "<br/>",
    "</br>",
    "<hr>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "</table>",
    "<caption>",
    "<h2>",
    "</h2>",
    "<pre>",
    "</pre>",
    '<a href="/x">',
    "<a href='https://www.gov.cn/'>",
    "</a>",
    '<a href="/x" href="/y">',
    '<a title=" t ">',
    '<a title="&lt=">',
    '<img src="/a.png" alt="图">',
    "<img src=x onerror=alert(1)>",
    '<p onclick="x()">',
    "<svg><g onload=alert(1)>",
    "<math><mi>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<noscript>",
    "</noscript>",
    "<template>",
    "</template>",
    "<select>",
    "<option>",
    "<xmp>",
    "</xmp>",
    "<iframe>",
    "</iframe>",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<!--->",
    "<!-- -->",
    "<![CDATA[",
    "]]>",
    "<?x>",
    "</ x>",
    "<!x>",
    "&lt;",
    "&lt",
    "&amp;",
    "&amp",
    "&#60;",
    "&#x3c;",
    "&nbsp;",
    "&notin;",
    "&noti",
    "<",
    ">",
    "/",
    "=",
    '"',
    "'",
    " ",
    "\n",
    "\r\n",
    "\t",
    "-",
    "!",
    "通知",
    "中",
    "a",
    "x",
    '<p data-block-key="k1">',
    '<p class="c" id="i">',
    "<img",
    " src=x",
    " alt='y'",
    "<p a=1 a=2>",
    "\x00",
    "<o:p>",
    "</o:p>",
    "<search>",
    "<dialog>",
    "</search>",
    "<font>",
    "<center>",
]


RESPELLINGS = [
    ("<p>", "<P>"),
    ("</p>", ""),
    ('"', "'"),
    ("&amp;", "&#38;"),
    ("&lt;", "&#60;"),
    ("<br>", "<br/>"),
    ("<p>", '<p data-block-key="z9">'),
    ("\r\n", "\n"),
    (" ", ""),
    ("&lt;", "<"),
    ("-->", "--!>"),
    ("<!--", "<!-->"),
    ('" t "', '"t"'),
    ('href="/x"', 'href="/y"'),
    ("<img", "&lt;img"),
    ("/", ""),
    ("&lt", "&lt;"),
    ("</b>", "</B >"),
    ("<td>", "<TD>"),
    ("a=1 a=2", "a=2 a=1"),
]


@st.composite
def variant(draw: st.DrawFn, body: str) -> str:
    """A respelling of ``body`` that differs from it: some keep the browser's tree, some do not."""
    for _ in range(draw(st.integers(1, 3))):
        applicable = [(old, new) for old, new in RESPELLINGS if old in body]
        if applicable:
            old, new = draw(st.sampled_from(applicable))
            at = draw(st.sampled_from([i for i in range(len(body)) if body.startswith(old, i)]))
            body = body[:at] + new + body[at + len(old) :]
        else:
            at = draw(st.integers(0, len(body)))
            body = body[:at] + draw(st.sampled_from(PIECES)) + body[at:]
    return body


@st.composite
def pairs(draw: st.DrawFn) -> list[tuple[str, str]]:
    out = []
    for _ in range(24):
        body = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10)))
        out.append((body, draw(variant(body))))
    return out


@pytest.fixture(scope="module")
def page(browser):
    page = quiet_page(browser.new_page())
    yield page
    page.close()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs())
def test_one_hash_means_one_chromium_tree_and_nothing_accepted_runs(page, examples):
    bodies = [body for pair in examples for body in pair]
    doms = chromium_doms(page, bodies)
    handlers = chromium_handlers(page, bodies)
    for i, (a, b) in enumerate(examples):
        dom_a, dom_b = doms[2 * i], doms[2 * i + 1]
        accepted_a, accepted_b = html_refusal(a) is None, html_refusal(b) is None
        same_hash = canonical_html(a) == canonical_html(b)
        if same_hash and (accepted_a or accepted_b):
            assert dom_a == dom_b, (a, b)
        if accepted_a and accepted_b and dom_a == dom_b:
            assert same_hash, (a, b)
    for body, found in zip(bodies, handlers, strict=True):
        if html_refusal(body) is None:
            assert found == [], body
