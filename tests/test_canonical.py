"""The canonical content hash: the documented test vectors and its invariants."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checks.canonical import canonical_html, content_hash

DOC = Path(__file__).resolve().parent.parent / "docs" / "canonical-hash.md"


def vectors() -> list[dict]:
    block = re.search(r"```jsonl\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block, "docs/canonical-hash.md has no jsonl block"
    return [json.loads(line) for line in block.group(1).splitlines() if line.strip()]


@pytest.mark.parametrize("vector", vectors(), ids=lambda v: v["name"])
def test_documented_vectors(vector):
    args = {k: vector[k] for k in ("title", "body", "summary", "body_format")}
    assert content_hash(**args) == vector["content_hash"]


def test_vectors_show_both_equal_and_different_content():
    by_name = {v["name"]: v["content_hash"] for v in vectors()}
    assert (
        by_name["HTML: styling, attribute order, case and scripts do not matter"]
        == by_name["HTML: the same content, clean"]
    )
    assert by_name["HTML: a swapped link is new content"] != by_name["HTML: the same content, clean"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("<p>一</p>", "<p>一</p>\r\n", False),  # a trailing line break is content
        ("<p>一</p>", '<p class="c" onclick="x()">一</p>', True),
        ("<p>一</p>", "<p>二</p>", False),
        ('<img src="a.png">', '<img src="b.png">', False),
        ("<p>一<!-- 注释 --></p>", "<p>一</p>", True),
        ("<p>A&amp;B</p>", "<p>A&B</p>", True),
        ("<p>一</p><p>二</p>", "<p>一二</p>", False),
    ],
)
def test_html_equivalence(a, b, same):
    ha = content_hash(title="t", body=a, body_format="html")
    hb = content_hash(title="t", body=b, body_format="html")
    assert (ha == hb) is same


def test_title_summary_and_format_are_covered():
    base = content_hash(title="t", body="b", summary="s")
    assert base != content_hash(title="t2", body="b", summary="s")
    assert base != content_hash(title="t", body="b", summary="s2")
    assert content_hash(title="t", body="<b>x</b>") != content_hash(title="t", body="<b>x</b>", body_format="html")
    with pytest.raises(ValueError):
        content_hash(title="t", body="b", body_format="pdf")


def test_script_content_is_dropped():
    assert "alert" not in canonical_html("<p>x<script>alert(1)</script></p>")
