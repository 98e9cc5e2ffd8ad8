"""The canonical content hash: the documented test vectors and its invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.canonical import canonical_html, content_hash

VECTORS = Path(__file__).resolve().parent.parent / "docs" / "canonical-hash-vectors.jsonl"


def vectors() -> list[dict]:
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("vector", vectors(), ids=lambda v: v["name"])
def test_documented_vectors(vector):
    args = {k: vector[k] for k in ("title", "body", "summary", "body_format")}
    assert content_hash(**args) == vector["content_hash"]


def test_vectors_show_both_equal_and_different_content():
    by_name = {v["name"]: v["content_hash"] for v in vectors()}
    same = by_name["HTML: the same content, another spelling"]
    assert by_name["HTML: tag case, attribute order, quoting and entity spelling do not matter"] == same
    assert by_name["HTML: a swapped link is new content"] != same
    assert by_name["HTML: an appended script is new content"] != same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("<p>一</p>", "<p>一</p>\r\n", False),  # a trailing line break is content
        ("<p>一</p>", '<p class="c" onclick="x()">一</p>', False),  # fail-closed: attributes are content
        ('<p class="c" id="i">一</p>', "<P ID=i CLASS='c'>一</P>", True),
        ("<p>一</p>", "<p>一</p><head><p>未审内容</p>", False),
        ("<p>一</p>", "<p>一</p><style>p{}</style>", False),
        ('<img src="a.png">', '<img src="a.png" srcset="evil.png">', False),
        ("<p>一</p>", "<p>二</p>", False),
        ('<img src="a.png">', '<img src="b.png">', False),
        ("<p>一<!-- 注释 --></p>", "<p>一</p>", False),
        ("<br/>", "<BR>", True),
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


def test_script_content_is_kept_so_it_cannot_be_slipped_in():
    assert "alert" in canonical_html("<p>x<script>alert(1)</script></p>")


def test_field_boundaries_are_unambiguous_and_surrogates_hash():
    assert content_hash(title="a", body="b", summary="X\n[summary]\n") != content_hash(
        title="a\n[summary]\nX", body="b"
    )
    assert content_hash(title="t", body="x\ud800y").startswith("sha256:")
