"""A private person's name where the text is about personal data (公示 lists, complaint replies).

Names in official capacity (县长李某某、张三同志) are public; names only count where a
label (姓名：、申请人) or a personal-data document (公示名单, 答复 to a citizen) says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

ENTITY = "CN_PERSON_NAME"

LABELS = (
    "姓名", "申请人", "户主", "投诉人", "举报人", "来信人", "反映人", "当事人", "联系人", "被申请人",
    "收件人", "患者", "监护人", "家属", "配偶", "救助对象", "保障对象", "求助人", "留言人", "网民",
)  # fmt: skip
# Words that make a whole document about private persons.
DOCUMENT_CONTEXT = ("公示", "名单", "申请人", "身份证", "低保", "救助", "补贴对象", "您好", "来信", "留言", "户主")
# A name followed or preceded by one of these is acting in an official capacity.
OFFICIAL_TITLES = (
    "书记", "县长", "市长", "区长", "镇长", "乡长", "省长", "局长", "厅长", "部长", "主任", "主席", "委员",
    "同志", "代表", "记者", "院长", "所长", "处长", "科长", "总理", "副", "组长", "校长", "站长", "行长",
    "会长", "秘书长", "检察长", "庭长", "队长", "调研", "讲话", "主持", "指出", "强调", "表示", "通讯员",
)  # fmt: skip
# jieba tags these nr although they are not names.
NOT_NAMES = frozenset(("高新", "金融", "王府", "华侨", "司法", "安全", "文明", "和平", "平安", "严格", "公安", "张贴"))
_CJK = r"[\u4e00-\u9fff]"
_NAME_BEFORE = frozenset("、，,：:；; \n\t（(|")
_NAME_AFTER = frozenset("、，,；;。 \n\t（(|")


class PersonNameRecognizer(EntityRecognizer):
    def __init__(self, surnames: Iterable[str]) -> None:
        self.surnames = frozenset(surnames)
        compound = sorted((s for s in self.surnames if len(s) == 2), key=len, reverse=True)
        surname_alt = "|".join([*compound, f"[{''.join(s for s in self.surnames if len(s) == 1)}]"])
        self._labelled = re.compile(
            rf"(?:{'|'.join(LABELS)})(?:姓名)?[：:为是]?\s?(?P<name>(?:{surname_alt}){_CJK}{{1,2}})(?!{_CJK}{{2}}(?:局|办|委|院|会))"
        )
        self._list_item = re.compile(
            rf"(?<![\u4e00-\u9fff])(?P<name>(?:{surname_alt}){_CJK}{{1,2}})(?=[，、,；;（(\s]|$)"
        )
        super().__init__(supported_entities=[ENTITY], name="PersonNameRecognizer", supported_language="zh")

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: dict[tuple[int, int], RecognizerResult] = {}
        for match in self._labelled.finditer(text):
            start, end = match.span("name")
            if not self._official(text, start, end):
                results[(start, end)] = self._result(start, end, 0.85, "labelled", "标签后的姓名")
        if nlp_artifacts is not None and self._personal_document(text):
            pos = getattr(nlp_artifacts, "pos", None) or []
            for word, start, tag in zip(nlp_artifacts.tokens, nlp_artifacts.tokens_indices, pos, strict=False):
                end = start + len(word)
                if tag != "nr" or not 2 <= len(word) <= 4 or (start, end) in results:
                    continue
                if any(label in word for label in LABELS) or word in NOT_NAMES:
                    continue
                if not (word[:1] in self.surnames or word[:2] in self.surnames) or self._official(text, start, end):
                    continue
                if not self._delimited(text, start, end):
                    continue
                results[(start, end)] = self._result(
                    start, end, 0.6, "jieba_nr", "jieba 人名词性 nr，且文档含个人信息语境"
                )
            for match in self._list_item.finditer(text):
                start, end = match.span("name")
                if (start, end) in results or not self._in_name_list(text, start, end, results):
                    continue
                if not self._official(text, start, end):
                    results[(start, end)] = self._result(start, end, 0.55, "name_list", "名单中与其他姓名并列")
        return list(results.values())

    def _personal_document(self, text: str) -> bool:
        return sum(1 for word in DOCUMENT_CONTEXT if word in text) >= 1

    @staticmethod
    def _delimited(text: str, start: int, end: int) -> bool:
        """Names in lists and tables stand between separators; a jieba nr inside prose is too noisy."""
        before = text[start - 1] if start > 0 else "\n"
        after = text[end] if end < len(text) else "\n"
        return before in _NAME_BEFORE and (after in _NAME_AFTER or after in "男女")

    @staticmethod
    def _official(text: str, start: int, end: int) -> bool:
        after = text[end : end + 4]
        before = text[max(0, start - 4) : start]
        return any(after.startswith(t) for t in OFFICIAL_TITLES) or any(before.endswith(t) for t in OFFICIAL_TITLES)

    @staticmethod
    def _in_name_list(text: str, start: int, end: int, found: dict[tuple[int, int], RecognizerResult]) -> bool:
        """A surname-shaped item next to an already found name, separated by 、 or ，."""
        for s, e in found:
            gap = text[e:start] if e <= start else text[end:s]
            if 0 < len(gap) <= 2 and set(gap) <= set("、，, ") and abs(s - start) <= 12:
                return True
        return False

    def _result(self, start: int, end: int, score: float, pattern: str, why: str) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name, original_score=score, pattern_name=pattern, textual_explanation=why
        )
        return RecognizerResult(ENTITY, start, end, score, explanation)
