"""The 审签单 as a PDF drawn in-process with reportlab, for machines without Chromium (the container image).

It draws the same ``SignoffSheet`` the HTML page shows, in the same order: organisation, title, facts,
one row per stage with an empty box to sign, waivers naming the finding, the record. The Chinese text
uses Adobe's ``STSong-Light`` CID font, which every PDF reader supplies: no font file ships with the
service, nothing is read from disk or network. Every string is escaped for reportlab's paragraph
markup, and invisible or unencodable characters (controls, bidi overrides, lone surrogates) are shown as
``[U+XXXX]`` so a sheet filed on paper says what the record holds.
"""

from __future__ import annotations

import io
import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from review_service.reports import RECORD_HEADINGS, STAGE_HEADINGS, WAIVER_HEADINGS, SignoffSheet

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
_HEAD = ParagraphStyle("head", parent=_BASE, fontSize=9)
_ORG = ParagraphStyle("org", parent=_BASE, fontSize=15, leading=20, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", parent=_BASE, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=8)
_H2 = ParagraphStyle("h2", parent=_BASE, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
_NOTE = ParagraphStyle("note", parent=_BASE, fontSize=8, leading=11, textColor=colors.HexColor("#333333"))
_WIDTH = A4[0] - 30 * mm
_SIGN_HEIGHT = 12 * mm
_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]
_VISIBLE_SPACE = {"\n", "\t"}


def visible(text: str) -> str:
    """Characters a reader would not see (or the font cannot encode) as ``[U+XXXX]``, the rest unchanged."""
    return "".join(
        f"[U+{ord(ch):04X}]"
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in _VISIBLE_SPACE
        else ch
        for ch in text
    )


def _p(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(escape(visible(text)).replace("\n", "<br/>"), style)


def _table(headings: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[float], *, sign: bool) -> Table:
    body = [[_p(h, _HEAD) for h in headings]]
    body += [[_p(value) for value in row] + ([""] if sign else []) for row in rows]
    heights = [None] + [_SIGN_HEIGHT if sign else None] * len(rows)
    style = [*_GRID, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2"))]
    return Table(body, colWidths=widths, rowHeights=heights, repeatRows=1, splitInRow=1, style=TableStyle(style))


def _facts(sheet: SignoffSheet) -> Table:
    label_w, value_w = 18 * mm, _WIDTH / 2 - 18 * mm
    body: list[list[Paragraph | str]] = []
    style = [*_GRID]
    rows = [*sheet.facts, [("内容哈希", sheet.content_hash)]]
    for i, row in enumerate(rows):
        cells: list[Paragraph | str] = []
        for label, value in row:
            cells += [_p(label, _HEAD), _p(value)]
            style.append(("BACKGROUND", (len(cells) - 2, i), (len(cells) - 2, i), colors.HexColor("#f2f2f2")))
        if len(row) == 1:
            cells += ["", ""]
            style.append(("SPAN", (1, i), (3, i)))
        body.append(cells)
    return Table(body, colWidths=[label_w, value_w, label_w, value_w], splitInRow=1, style=TableStyle(style))


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def sheet_pdf(sheet: SignoffSheet) -> bytes:
    """The sheet as A4 PDF bytes (tables split across pages, headings repeated)."""
    story: list[Flowable] = []
    if sheet.organisation:
        story.append(_p(sheet.organisation, _ORG))
    story += [_p("稿件审签单", _TITLE), _facts(sheet), _p("审核签署", _H2)]
    time_w, stage_w, person_w = 30 * mm, 18 * mm, 24 * mm
    sign_w, decision_w = 28 * mm, 18 * mm
    opinion_w = _WIDTH - stage_w - person_w - time_w - decision_w - sign_w
    story.append(
        _table(STAGE_HEADINGS, sheet.stages, [stage_w, person_w, time_w, decision_w, opinion_w, sign_w], sign=True)
    )
    story.append(_p("问题豁免", _H2))
    if sheet.waivers:
        what_w = _WIDTH - stage_w * 2 - person_w - time_w - 36 * mm
        widths = [stage_w, what_w, stage_w, person_w, time_w, 36 * mm]
        story.append(_table(WAIVER_HEADINGS, sheet.waivers, widths, sign=False))
    else:
        story.append(_p("无问题豁免。", _NOTE))
    story.append(_p("流转记录", _H2))
    version_w = 12 * mm
    opinion_w = _WIDTH - time_w - stage_w - person_w - 24 * mm - version_w
    widths = [time_w, stage_w, person_w, 24 * mm, opinion_w, version_w]
    story += [
        _table(RECORD_HEADINGS, sheet.record, widths, sign=False),
        Spacer(1, 4 * mm),
        _p(f"时间均为北京时间。本单生成于 {sheet.generated_at}。", _NOTE),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=visible(f"审签单 — {sheet.title}"),
        author=visible(sheet.organisation),
        invariant=True,  # same sheet, same bytes: no creation time or random id in the file
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
