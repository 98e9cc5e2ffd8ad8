"""The labelled dev set (tests/data/devset.jsonl) is well formed and its labels are self-consistent.

These tests check the data, not the engine: see bench/quality.py for the quality report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bench import quality

DEVSET = Path(__file__).resolve().parent / "data" / "devset.jsonl"

SCOPE = quality.SCOPE
MIN_POSITIVE_CASES = {c: (4 if c.startswith(("format.", "metadata.")) else 5) for c in SCOPE}
CHANNELS = {"website", "new_media", "internal"}
DOC_TYPES = {"normative", "notice", "publicity", "news", "interpretation", "reply", "other"}
FORMATS = {"text", "html"}
FIELDS = {"body", "title", "metadata"}
METADATA_KEYS = {
    "doc_number",
    "issuer",
    "index_number",
    "subject",
    "written_date",
    "published_date",
    "validity",
    "disclosure",
    "department",
}
REQUIRED_KEYS = {
    "id",
    "channel",
    "doc_type",
    "format",
    "title",
    "text",
    "metadata",
    "expected",
    "hard_negative",
    "note",
}
# 名称 (title) + the seven metadata fields a 规范性文件 must carry.
NORMATIVE_REQUIRED = ("doc_number", "issuer", "index_number", "subject", "written_date", "published_date", "validity")
NOT_PUBLIC_DISCLOSURE = {"依申请公开", "不予公开"}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def load_cases() -> list[dict]:
    with DEVSET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


CASES = load_cases()


def fold(text: str) -> str:
    """Full-width ASCII letters and digits to ASCII (one character for one, offsets kept)."""
    return "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" and ch.isalnum() else ch for ch in text)


def compact(span: str) -> str:
    """The characters of a number as a checker would read them: folded, separators dropped."""
    return re.sub(r"&nbsp;|[\s\-·]", "", fold(span))


def id_checksum_ok(value: str) -> bool:
    value = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def id_birth_date_ok(value: str) -> bool:
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date(2030, 12, 31)


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v = v * 2 - 9 if v > 4 else v * 2
        total += v
    return total % 10 == 0


def field_text(case: dict, name: str) -> str:
    return case["text"] if name == "body" else (case.get("title") or "")


def occurrences(text: str, span: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(span)) for m in re.finditer(re.escape(span), text)] if span else []


def covered(case: dict, field: str, start: int, end: int, categories: set[str]) -> bool:
    """Is [start, end) of the field overlapped by an expected span of one of the categories?"""
    text = field_text(case, field)
    for item in case["expected"]:
        if item["field"] != field or item["category"] not in categories:
            continue
        if any(s < end and start < e for s, e in occurrences(text, item["span"])):
            return True
    return False


def text_fields(case: dict) -> list[str]:
    return ["body", "title"] if case.get("title") else ["body"]


def mask_markup(text: str) -> str:
    """HTML tags and entities replaced by spaces of the same length (offsets kept)."""
    return re.sub(r"<[^>]*>|&#?\w+;", lambda m: " " * len(m.group(0)), text)


def ids(cases: list[dict]) -> list[str]:
    return [c["id"] for c in cases]


# ----------------------------------------------------------------------------- shape


def test_size_and_balance() -> None:
    assert len(CASES) >= 90
    assert sum(1 for c in CASES if c["hard_negative"]) >= 35
    assert sum(1 for c in CASES if c["channel"] == "internal") <= 10, "keep internal-channel cases few"


def test_ids_unique() -> None:
    counts = Counter(ids(CASES))
    assert [i for i, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_case_shape(case: dict) -> None:
    assert set(case) == REQUIRED_KEYS
    assert isinstance(case["id"], str) and case["id"]
    assert case["channel"] in CHANNELS
    assert case["doc_type"] in DOC_TYPES
    assert case["format"] in FORMATS
    assert case["title"] is None or (isinstance(case["title"], str) and case["title"])
    assert isinstance(case["text"], str) and case["text"].strip()
    assert isinstance(case["hard_negative"], bool)
    assert isinstance(case["note"], str) and case["note"].strip()
    assert isinstance(case["metadata"], dict)
    assert set(case["metadata"]) <= METADATA_KEYS
    assert all(isinstance(v, str) for v in case["metadata"].values())
    assert isinstance(case["expected"], list)
    if case["format"] == "html":
        assert re.search(r"<\w+[^>]*>", case["text"]), "an html case should contain markup"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_metadata_values(case: dict) -> None:
    meta = case["metadata"]
    for key in ("written_date", "published_date"):
        if meta.get(key):
            dt.date.fromisoformat(meta[key])
            assert len(meta[key]) == 10
    if meta.get("disclosure"):
        assert meta["disclosure"] in {"主动公开", "依申请公开", "不予公开"}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_expected_items(case: dict) -> None:
    for item in case["expected"]:
        assert set(item) == {"category", "field", "span"}
        assert item["category"] in SCOPE
        assert item["field"] in FIELDS
        if item["field"] == "metadata":
            assert item["span"] == ""
        else:
            assert item["span"], "body/title items need a span"
            text = field_text(case, item["field"])
            assert item["span"] in text, f"{item['span']!r} not in the {item['field']}"
    # one expected item per occurrence: never more items with one span than the span occurs
    spans = Counter((i["category"], i["field"], i["span"]) for i in case["expected"] if i["field"] != "metadata")
    for (category, fld, span), n in spans.items():
        assert n <= len(occurrences(field_text(case, fld), span)), (category, span)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hard_negative_flag(case: dict) -> None:
    assert case["hard_negative"] == (case["expected"] == [])


def test_every_category_has_positive_cases() -> None:
    per_category = Counter()
    for case in CASES:
        for category in {i["category"] for i in case["expected"]}:
            per_category[category] += 1
    short = {c: per_category[c] for c in SCOPE if per_category[c] < MIN_POSITIVE_CASES[c]}
    assert short == {}


# ----------------------------------------------------------------------------- annotation consistency


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_metadata_missing_labels_match_metadata(case: dict) -> None:
    """A 规范性文件 has one metadata.missing item per absent required field; other types have none."""
    labelled = sum(1 for i in case["expected"] if i["category"] == "metadata.missing")
    if case["doc_type"] != "normative":
        assert labelled == 0
        return
    meta = case["metadata"]
    missing = [k for k in NORMATIVE_REQUIRED if not (meta.get(k) or "").strip()]
    if not case["title"]:
        missing.append("title")
    assert labelled == len(missing), f"missing fields {missing}"
    assert all(i["field"] == "metadata" for i in case["expected"] if i["category"] == "metadata.missing")


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_disclosure_labels_match_metadata(case: dict) -> None:
    labelled = sum(1 for i in case["expected"] if i["category"] == "secret.disclosure" and i["field"] == "metadata")
    not_public = case["metadata"].get("disclosure") in NOT_PUBLIC_DISCLOSURE and case["channel"] != "internal"
    assert labelled == (1 if not_public else 0)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_labelled_id_numbers_pass_checksum(case: dict) -> None:
    for item in case["expected"]:
        if item["category"] == "pii.id_card":
            value = compact(item["span"])
            assert id_checksum_ok(value), f"{item['span']!r} fails the GB 11643 check digit"
            assert id_birth_date_ok(value), f"{item['span']!r} has no valid birth date"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_valid_id_number_is_labelled(case: dict) -> None:
    """An ID-shaped number with a valid date and check digit is labelled; in hard negatives none pass."""
    for fld in text_fields(case):
        text = fold(field_text(case, fld))
        for m in re.finditer(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", text):
            value = m.group(0)
            if not id_birth_date_ok(value):
                continue
            if case["hard_negative"]:
                assert not id_checksum_ok(value), f"hard negative holds a valid ID number {value}"
            elif id_checksum_ok(value):
                assert covered(case, fld, m.start(), m.end(), {"pii.id_card"}), f"unlabelled ID number {value}"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_labelled_bank_cards_pass_luhn(case: dict) -> None:
    for item in case["expected"]:
        if item["category"] == "pii.bank_card":
            digits = compact(item["span"])
            assert 16 <= len(digits) <= 19, item["span"]
            assert luhn_ok(digits), f"{item['span']!r} fails the Luhn check"


def test_a_19_digit_unionpay_card_is_labelled() -> None:
    cards = [compact(i["span"]) for c in CASES for i in c["expected"] if i["category"] == "pii.bank_card"]
    assert any(len(d) == 19 and d.startswith("62") for d in cards)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_labelled_mobiles_are_mobiles(case: dict) -> None:
    for item in case["expected"]:
        if item["category"] == "pii.phone":
            digits = compact(item["span"])
            assert re.fullmatch(r"1[3-9]\d{9}|0\d{9,11}", digits), item["span"]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_unmasked_mobile_is_labelled(case: dict) -> None:
    for fld in text_fields(case):
        text = fold(field_text(case, fld))
        for m in re.finditer(r"(?<!\d)1[3-9]\d{9}(?!\d)", text):
            assert not case["hard_negative"], f"hard negative holds a mobile number {m.group(0)}"
            assert covered(case, fld, m.start(), m.end(), {"pii.phone"}), f"unlabelled mobile {m.group(0)}"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_half_width_mark_in_chinese_is_labelled(case: dict) -> None:
    """A half-width , ; : ? ! ( ) . touching a Chinese character is labelled format.punctuation."""
    cjk = "\u4e00-\u9fff"
    pattern = re.compile(rf"(?<=[{cjk}])[,;:?!()]|[,;:?!()](?=[{cjk}])|(?<=[{cjk}])\.(?=$|\n|[{cjk}])")
    for fld in text_fields(case):
        raw = field_text(case, fld)
        text = mask_markup(raw) if case["format"] == "html" and fld == "body" else raw
        for m in pattern.finditer(text):
            context = raw[max(0, m.start() - 8) : m.end() + 8]
            assert covered(case, fld, m.start(), m.end(), {"format.punctuation", "format.doc_number"}), (
                f"unlabelled half-width {m.group(0)!r} at {fld}[{m.start()}]: {context!r}"
            )


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_zero_digit_years_are_labelled(case: dict) -> None:
    """Chinese-numeral years written with 0 / O are always labelled format.number_date."""
    for fld in text_fields(case):
        text = field_text(case, fld)
        for m in re.finditer(r"[一二三四五六七八九〇零][0OoΟ○][〇一二三四五六七八九0OoΟ○]{2}年", text):
            assert covered(case, fld, m.start(), m.end(), {"format.number_date"}), m.group(0)
