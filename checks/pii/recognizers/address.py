"""A private person's detailed address: down to house number, building or room.

Office addresses (办公地址、受理地点 of a government body) are public and stay silent.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

ENTITY = "CN_ADDRESS"

PERSONAL_CONTEXT = (
    "家住",
    "住址",
    "现住",
    "住在",
    "居住",
    "户籍",
    "家庭地址",
    "家庭住址",
    "现居",
    "住所",
    "暂住",
    "户口",
)
OFFICE_CONTEXT = (
    "办公地址", "办公地点", "受理地点", "受理地址", "服务大厅", "窗口", "单位地址", "机关地址", "办事地点",
    "报名地点", "地点：", "会议",
)  # fmt: skip
OFFICE_WORDS = (
    "政府",
    "局",
    "委员会",
    "中心",
    "办公室",
    "大厅",
    "法院",
    "检察院",
    "医院",
    "学校",
    "公司",
    "银行",
    "大楼",
)
_NUM = r"(?:\d+|[一二三四五六七八九十百]+)"
_ADDRESS = re.compile(
    r"(?P<addr>[\u4e00-\u9fffA-Za-z0-9]{2,30}?"
    rf"(?:路|街|巷|道|里|村|弄|胡同|社区|小区|花园|苑|大厦|公寓|组|队){_NUM}(?:号|弄|巷)"
    rf"(?:[之\-－]\d+号?)?(?:{_NUM}(?:栋|幢|座|号楼|单元|楼|层|室|房|户)|[A-Za-z\-－]\d+)*(?:\d+(?:室|房))?)"
)
_ROOM_LEVEL = re.compile(r"(?:栋|幢|座|号楼|单元|室|房|户)|[\-－]\d+$")


class AddressRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entities=[ENTITY], name="AddressRecognizer", supported_language="zh")

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for match in _ADDRESS.finditer(text):
            start, end = match.span("addr")
            start = self._trim_start(text, start)
            value = text[start:end]
            window = text[max(0, start - 12) : start]
            if any(word in window for word in OFFICE_CONTEXT) or any(word in value for word in OFFICE_WORDS):
                continue
            personal = next((w for w in PERSONAL_CONTEXT if w in window or value.startswith(w)), None)
            if personal is None:
                continue
            score = 0.85 if _ROOM_LEVEL.search(value) else 0.65
            why = f"个人住址语境“{personal}”，地址精确到{'楼栋/房号' if score > 0.8 else '门牌号'}"
            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, pattern_name="detailed_address", textual_explanation=why
            )
            results.append(RecognizerResult(ENTITY, start, end, score, explanation))
        return results

    @staticmethod
    def _trim_start(text: str, start: int) -> int:
        """Start after the context word (家住、住址：…) that the lazy regex may have swallowed."""
        segment = text[start : start + 12]
        best = start
        for word in PERSONAL_CONTEXT:
            idx = segment.find(word)
            if idx >= 0:
                best = max(best, start + idx + len(word))
        while best < len(text) and text[best] in "：: 于为在":
            best += 1
        return best
