"""Active content in HTML drafts: the variants browsers run, and the ordinary markup that is fine."""

from __future__ import annotations

import pytest

from checks.html_safety import active_content

ACTIVE = [
    "<p>x</p><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    '<img src="a.png" onerror="x()">',
    "<IMG SRC=x OnError=alert(1)>",
    '<a href="javascript:x()">y</a>',
    '<a href="javascript&colon;alert(1)">y</a>',
    '<a href=" java\tscript:alert(1)">y</a>',
    '<a href="&#106;avascript:alert(1)">y</a>',
    '<a href="data:text/html,<b>x</b>">y</a>',
    '<img srcset="a.png 1x, javascript:alert(1) 2x">',
    "<style>body{display:none}</style>",
    "<iframe src='https://example.org'></iframe>",
    "<form action='/x'><button>y</button></form>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<base href='https://evil.example/'>",
    # what a browser's parser makes of comment tricks and CDATA in HTML content
    '<p>通知。</p><!--><img src="x" onerror="alert(1)">-->',
    '<p>通知。</p><!---><img src="x" onerror="alert(1)">-->',
    '<!-- --!><img src="x" onerror="alert(1)"><!-- -->',
    '<![CDATA[ > ]]><img src="x" onerror="alert(1)">',
    '<p style="background:url(https://evil.example/t.png)">x</p>',
    '<p style="width: expression(alert(1))">x</p>',
    '<p style="background:u\\72l(x)">x</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<object data="x.swf"></object>',
    '<embed embedtype="image" id="1" format="left">',
]
INERT = [
    "<p>各单位：请做好安全生产工作。</p>",
    '<p style="text-align:center">居中</p>',
    '<p><a href="https://www.gov.cn/zhengce/">政策</a> <a href="/files/a.pdf">附件</a> <a href="#top">顶部</a></p>',
    '<p>咨询电话：<a href="tel:12345">12345</a>，邮箱 <a href="mailto:xxgk@example.gov.cn">信箱</a></p>',
    '<table><tr><td colspan="2">online 报名</td></tr></table>',
    "<p>脚本标签写作 &lt;script&gt; 时不会执行。</p>",
    '<img src="/uploads/photo.jpg" alt="会议现场">',
    "<!-- <script>alert(1)</script> -->",  # a comment: a browser runs nothing in it (its text is checked)
    "<title><img src=x onerror=alert(1)></title>",  # text of <title>, not an element
    '<p id="p1" class="lead" style="color:#333;font-weight:bold">样式</p>',
]


@pytest.mark.parametrize("body", ACTIVE)
def test_active_parts_are_found(body: str) -> None:
    assert active_content(body) is not None


@pytest.mark.parametrize("body", INERT)
def test_ordinary_markup_passes(body: str) -> None:
    assert active_content(body) is None
