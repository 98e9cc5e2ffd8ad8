"""Spreadsheets checked by their structure (number cells one by one, distinct rows once) find what
reading the whole sheet as text finds; the column header is the one thing they read in addition."""

from __future__ import annotations

import random

import pytest

from checks.attachments.check import located_findings
from checks.attachments.limits import AttachmentLimits
from checks.attachments.read import read_attachment
from checks.attachments.rows import is_inert
from checks.document import DraftInput
from checks.pii.cells import is_number_cell
from tests import attachment_factory as af
from tests.factories import luhn_number, resident_id

HEADER = ["序号", "户主姓名", "身份证号", "联系电话", "家庭住址", "银行卡号", "备注"]
ADDRESSES = ("陆丰市东海街道新华路12号3栋201房", "碣石镇新饶村", "（已脱敏）", "")
REMARKS = ("", "无", "低保户", "户主本人", "县民政局代领", "身份证已过期", "内部资料")


def sample(count: int, seed: int) -> list[list[object]]:
    """Rows of the kinds a 救助 list holds, valid and invalid numbers, masked ones, blanks, office rows."""
    r = random.Random(seed)
    rows: list[list[object]] = [HEADER]
    for n in range(1, count + 1):
        birth = f"{r.randrange(1940, 2005)}{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}"
        ident = resident_id(f"441581{birth}{r.randrange(1000):03d}")
        ident = r.choice(
            [ident, ident, ident[:-1] + ("0" if ident[-1] != "0" else "1"), ident[:4] + "*" * 10 + ident[-4:]]
        )
        phone = r.choice(
            [f"1{r.choice('3589')}{r.randrange(10**9):09d}", f"0660-{r.randrange(2, 10)}{r.randrange(10**6):06d}",
             "138****8000", "12345", ""]
        )  # fmt: skip
        card = r.choice([luhn_number("6217", 19), luhn_number("4367", 16), "6217 0000 1111 2222 333", "", "无"])
        name = r.choice("王李张刘陈") + r.choice(["秀英", "建国", "志强", "丽"])
        rows.append([n, name, ident, phone, r.choice(ADDRESSES), card, r.choice(REMARKS)])
    return rows


def findings(engine, data: bytes, name: str, *, by_cell: bool) -> list[tuple]:
    extracted, _ = read_attachment(data, name, AttachmentLimits())
    located = located_findings(engine, extracted, DraftInput(body=""), name, 2_000, by_cell=by_cell)
    return sorted(
        (f.finding.category, f.finding.start, f.finding.end, f.finding.severity.value, f.finding.suggestion,
         f.finding.rule, f.finding.message, tuple(sorted(f.location.items())))
        for f in located
    )  # fmt: skip


def assert_same_but_for_the_header(by_cell: list[tuple], as_text: list[tuple]) -> None:
    """Everything the text reading finds, and in addition only 16-digit cards (which need a bank word
    nearby): the header 银行卡号 is that word on every row, while the text reading saw it only on rows
    near the header or where an ID number in the row vouched for them."""
    assert set(as_text) <= set(by_cell)
    extra = set(by_cell) - set(as_text)
    assert extra and {(f[0], f[4][:4], dict(f[7])["cell"][0]) for f in extra} == {("pii.bank_card", "4367", "F")}


@pytest.mark.parametrize("seed", [1, 2])
def test_by_cell_finds_what_the_text_reading_finds(engine, seed):
    rows = sample(150, seed)
    data = af.csv_bytes(rows)
    by_cell = findings(engine, data, "名单.csv", by_cell=True)
    as_text = findings(engine, data, "名单.csv", by_cell=False)
    assert_same_but_for_the_header(by_cell, as_text)
    categories = {f[0] for f in by_cell}
    assert {
        "pii.id_card",
        "pii.phone",
        "pii.bank_card",
        "pii.person_name",
        "pii.address",
        "secret.marking",
    } <= categories


def test_same_for_xlsx_with_hidden_rows_and_comments(engine):
    rows = sample(60, 3)
    data = af.xlsx({"名单": rows}, hidden_rows={"名单": [5, 9]}, comments={"名单": {"G4": "户主电话13800138000"}})
    by_cell = findings(engine, data, "名单.xlsx", by_cell=True)
    assert_same_but_for_the_header(by_cell, findings(engine, data, "名单.xlsx", by_cell=False))
    assert any(dict(f[7]).get("hidden") == "row" for f in by_cell)
    assert any(dict(f[7]).get("hidden") == "comment" and f[0] == "pii.phone" for f in by_cell)


def test_identical_rows_are_each_reported(engine):
    """A row repeated (reduced to the same text) is checked once and reported at every place it stands."""
    rows = [["序号", "备注"], *([n, "家住陆丰市东海街道新华路12号3栋201房"] for n in range(1, 41))]
    got = findings(engine, af.csv_bytes(rows), "名单.csv", by_cell=True)
    cells = [dict(f[7])["cell"] for f in got if f[0] == "pii.address"]
    assert cells == [f"B{n}" for n in range(2, 42)]


def test_a_home_phone_column_makes_every_landline_personal(engine):
    """Header-aware: 家庭电话 speaks for every row, not only for the rows near the header."""
    rows = [["序号", "家庭电话"], *([n, f"0660-{8800000 + n}"] for n in range(1, 301))]
    got = findings(engine, af.csv_bytes(rows), "电话.csv", by_cell=True)
    assert len([f for f in got if f[0] == "pii.phone"]) == 300


def test_an_office_phone_column_is_not_personal_data(engine):
    rows = [["单位", "咨询电话"], *([f"第{n}服务站", f"1380013{n:04d}"] for n in range(1, 301))]
    got = findings(engine, af.csv_bytes(rows), "站点.csv", by_cell=True)
    assert [f for f in got if f[0] == "pii.phone"] == []


@pytest.mark.parametrize(
    ("value", "number"),
    [("440101199001011234", True), ("0660-8812345", True), ("6217 0000 1111 2222 333", True), ("123456", False),
     ("13800138000转1", False), ("wang@qq.com", False), ("２０２４", False), ("E12345678", False)],
)  # fmt: skip
def test_number_cells_are_digits_only(value, number):
    assert is_number_cell(value) is number


@pytest.mark.parametrize(
    ("value", "inert"),
    [("", True), ("  ", True), ("12", True), ("1,234.50", True), ("12:30", True), ("1234567", False),
     ("无", False), ("wang@qq.com", False), ("１２", True), ("１３８００１３８０００", False)],
)  # fmt: skip
def test_inert_cells_hold_nothing_a_check_could_find(value, inert):
    assert is_inert(value) is inert
