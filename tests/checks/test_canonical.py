"""The canonical content hash: the documented test vectors and its invariants."""

from __future__ import annotations

import json

import pytest

from checks.canonical import FORM_VERSION, canonical_attachments, canonical_form, canonical_html, content_hash
from tests.paths import REPO_ROOT

VECTORS = REPO_ROOT / "docs" / "canonical-hash-vectors.jsonl"


def vectors() -> list[dict]:
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("vector", vectors(), ids=lambda v: v["name"])
def test_documented_vectors(vector):
    args = {k: vector[k] for k in ("title", "body", "summary", "body_format", "attachments", "form_version")}
    assert content_hash(**args) == vector["content_hash"]


def test_vectors_show_both_equal_and_different_content():
    by_name = {v["name"]: v["content_hash"] for v in vectors()}
    same = by_name["HTML: the same content, another spelling"]
    assert by_name["HTML: tag case, attribute order, quoting and entity spelling do not matter"] == same
    assert by_name["HTML: an omitted end tag builds the same tree"] == same
    assert by_name["HTML: editor bookkeeping (data-block-key) is not content"] == same
    assert by_name["HTML: a swapped link is new content"] != same
    assert by_name["HTML: a padded attribute value is new content"] != same
    assert by_name["HTML: an appended script is new content"] != same
    listed_twice = by_name["attachments: the same files listed the other way round"]
    assert by_name["attachments: order does not matter"] == listed_twice
    assert {v["form_version"] for v in vectors()} == {2, 3}


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


def test_form_3_is_the_default_and_form_2_stays_computable():
    assert FORM_VERSION == 3
    assert canonical_form(title="t", body="b").startswith("canonical-content v3\n")
    assert canonical_form(title="t", body="b", form_version=2).startswith("canonical-content v2\n")
    assert content_hash(title="t", body="b") != content_hash(title="t", body="b", form_version=2)
    with pytest.raises(ValueError):
        content_hash(title="t", body="b", form_version=1)


def test_attachments_are_a_sorted_length_prefixed_part():
    digest = "ab" * 32
    assert canonical_form(title="t", body="b").endswith("[attachments:0]\n\n")
    one = [{"name": "a\nb.pdf", "sha256": digest}]
    assert canonical_attachments(one) == f"{digest} 7:a\nb.pdf\n"
    assert content_hash(title="t", body="b", attachments=one) != content_hash(title="t", body="b")
    renamed = [{"name": "a\nc.pdf", "sha256": digest}]
    assert content_hash(title="t", body="b", attachments=one) != content_hash(title="t", body="b", attachments=renamed)
    upper = [{"name": "a\nb.pdf", "sha256": "sha256:" + digest.upper()}]
    assert content_hash(title="t", body="b", attachments=one) == content_hash(title="t", body="b", attachments=upper)
    for bad in ({"name": "x"}, {"name": "x", "sha256": "zz"}, {"name": 1, "sha256": digest}):
        with pytest.raises(ValueError):
            content_hash(title="t", body="b", attachments=[bad])
    with pytest.raises(ValueError):
        content_hash(title="t", body="b", attachments=one, form_version=2)


def test_form_3_html_is_the_browsers_tree():
    # what a browser builds, not what the source seems to say
    assert canonical_html("<p a=1 a=2>x") == canonical_html('<p a="1">x</p>')
    assert canonical_html("<p>x</p><img src=x onerror=y") == canonical_html("<p>x</p>")
    assert canonical_html("&lt;img onerror=x&gt;") != canonical_html("<img onerror=x>")
    # in an attribute a browser leaves "&lt=" as it is: the same tree as "&amp;lt=", another than "<="
    assert canonical_html('<a title="&lt=">x</a>') == canonical_html('<a title="&amp;lt=">x</a>')
    assert canonical_html('<a title="&lt=">x</a>') != canonical_html('<a title="<=">x</a>')
    assert canonical_html('<a href=" /a">x</a>') != canonical_html('<a href="/a">x</a>')
    assert canonical_html("<p>a  \n</p>") != canonical_html("<p>a\n</p>")  # <pre>-like text keeps its spaces
    assert canonical_html("<p>x</p>\r\n") == canonical_html("<p>x</p>\n")  # the parser's own newline rule
