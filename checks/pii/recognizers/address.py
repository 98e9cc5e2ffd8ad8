"""A private person's detailed address: down to house number, building or room.

An address is found from its tail (门牌号、楼栋、房号) and extended backwards over the place-name
tokens before it. Building-and-room detail alone marks a residence; a bare house number needs a
personal context word (家住、住址). Office addresses (办公地址、受理地点 of a government body) stay silent.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

ENTITY = "CN_ADDRESS"

PERSONAL_CONTEXT = (
    "家住", "住址", "现住", "住在", "居住", "户籍", "家庭地址", "家庭住址", "现居", "住所", "暂住", "户口", "地址为",
    "您反映的", "您留下的地址", "住宅", "，住", "（住", "(住", "住：", "您家", "名下", "房屋地址", "户籍地", "居住地",
    "登记住址", "送达地址",
)  # fmt: skip
# Nearby words that make an address a company's (法定代表人、统一社会信用代码 in a 双公示).
COMPANY_CONTEXT = ("有限公司", "统一社会信用代码", "法定代表人", "经营场所", "营业执照", "企业名称")
OFFICE_CONTEXT = (
    "办公地址", "办公地点", "受理地点", "受理地址", "服务大厅", "窗口", "单位地址", "机关地址", "办事地点",
    "报名地点", "办理地点", "地点：", "会议", "通讯地址", "邮寄地址", "咨询地址", "现场地址", "集合地点",
)  # fmt: skip
OFFICE_LABEL_REACH = 24
OFFICE_WORDS = (
    "政府", "局", "委员会", "中心", "办公室", "大厅", "法院", "检察院", "医院", "学校", "公司", "银行", "大楼",
    "事务所", "服务站", "派出所", "办事处", "党群", "馆", "卫生院", "营业厅",
)  # fmt: skip
# Right before an address these name its owner as an office; inside an address they are just places.
OFFICE_OWNERS = (*OFFICE_WORDS, "居委会", "村委会")
_NUM = r"(?:\d+|[一二三四五六七八九十百零〇]+)"
_UNIT = r"(?:[A-Za-z]?\d+[A-Za-z]?|[一二三四五六七八九十]+|[A-Za-z])"
_ROOM_TAIL = rf"(?:{_UNIT}(?:栋|幢|座|号楼|单元|楼|层|室|房|户)|[\-－]\d+(?:室|房)?)"
_TAIL = re.compile(
    rf"(?:(?:路|街|巷|大道|道|里|弄|胡同|村|组|队|坊|屯){_NUM}(?:号|弄|巷)(?:\d+号)?(?:之\d+|[\-－]\d+)?(?:[\u4e00-\u9fff]{{0,8}}?{_ROOM_TAIL})*"
    rf"|(?:花园|小区|苑|园|台|湾|邸|阁|轩|郡|公寓|大厦|新村|家园|广场|城|庭|府|居|社区|山庄|村){_ROOM_TAIL}+)"
)
_ROOM_LEVEL = re.compile(r"(?:栋|幢|座|号楼|单元)[^，。]*?(?:\d+(?:室|房|户)?$|\d+$)|\d+(?:室|房|户)$")
_EXTEND_POS = frozenset(("ns", "n", "nz", "nt", "m", "x", "eng", "s", "f", "ng", "nr", "j", "l"))
_STOP_TOKENS = frozenset("的 在 住 为 于 是 了 和 与 及 到 向 对 从 位于 家住 住址 现住 地址 住所".split())
_MAX_PREFIX = 30
_PLACE_TOKEN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


class AddressRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entities=[ENTITY], name="AddressRecognizer", supported_language="zh")

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for match in _TAIL.finditer(text):
            start = self._extend_back(text, match.start(), nlp_artifacts)
            end = match.end()
            value = text[start:end]
            window = text[max(0, start - 14) : start]
            # an office address may wrap onto the next line after its label (通讯地址：…府右街\n力学胡同3号)
            office_window = text[max(0, start - OFFICE_LABEL_REACH) : start]
            if any(w in office_window for w in OFFICE_CONTEXT) or any(w in value for w in OFFICE_WORDS):
                continue
            if any(w in window[-6:] for w in OFFICE_OWNERS):
                continue
            if any(w in text[max(0, start - 100) : start] for w in COMPANY_CONTEXT):
                continue
            personal = next((w for w in PERSONAL_CONTEXT if w in window), None)
            room_level = bool(_ROOM_LEVEL.search(value))
            if not room_level and not (personal and "号" in value):
                continue  # a building alone (小区8栋) or a street without a door is not a home address
            score = 0.85 if personal else 0.65
            detail = "楼栋/房号" if room_level else "门牌号"
            why = f"个人住址语境“{personal}”，地址精确到{detail}" if personal else f"地址精确到{detail}，属于住宅"
            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, pattern_name="detailed_address", textual_explanation=why
            )
            results.append(RecognizerResult(ENTITY, start, end, score, explanation))
        return results

    @staticmethod
    def _extend_back(text: str, anchor: int, artifacts: NlpArtifacts | None) -> int:
        """Walk back over place-name tokens (陆丰市/东海/街道/龙山) to where the address begins.

        The token holding ``anchor`` is found by bisection over the token starts: listing the tokens
        for every address tail took time quadratic in a long text.
        """
        if artifacts is None:
            return max(0, anchor - 8)
        words, starts = artifacts.tokens, artifacts.tokens_indices
        pos = getattr(artifacts, "pos", None) or []
        count = min(len(words), len(starts), len(pos))
        index = bisect_right(starts, anchor, 0, count) - 1
        if index < 0 or not anchor < starts[index] + len(words[index]):
            return anchor
        start = starts[index]
        for i in range(index - 1, -1, -1):
            word, token_start, tag = words[i], starts[i], pos[i]
            if anchor - token_start > _MAX_PREFIX or word in _STOP_TOKENS:
                break
            if not _PLACE_TOKEN.fullmatch(word) or tag not in _EXTEND_POS:
                break
            start = token_start
        return start
