"""A private person's name where the text is about personal data (公示 lists, complaint replies).

Names in official capacity (县长李明、杨文辉（商务局局长）) are public. A name counts when a label
says so (姓名：、申请人), when a reply addresses a citizen (李建国先生：您好), or when it stands as a
delimited item of a name list in a personal-data document. Delimited surname-shaped items in
other places are emitted below the threshold: the PII check raises them when the same line
carries another piece of personal data (a table row of a 公示).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import compress

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

ENTITY = "CN_PERSON_NAME"
ROW_CANDIDATE_SCORE = 0.3

LABELS = (
    "姓名", "申请人", "户主", "投诉人", "举报人", "来信人", "反映人", "当事人", "联系人", "被申请人",
    "收件人", "患者", "监护人", "家属", "配偶", "救助对象", "保障对象", "求助人", "留言人", "网民",
    "参保人", "持有人", "持证人", "承租人", "业主", "权利人", "受益人", "失主", "领取人", "收款人", "户名",
    "死者", "嫌疑人", "被执行人", "借款人", "担保人", "来访人", "上访人", "信访人", "车主", "考生",
    "走失者", "走失人员", "拾获人", "报案人", "求职者", "所有人", "受送达人", "被告", "原告", "第三人",
    "上诉人", "被上诉人", "继承人", "购房人", "网友", "女儿", "儿子", "父亲", "母亲", "妻子", "丈夫", "孙子",
    "孙女", "外孙", "户主姓名", "学生", "幼儿", "老人", "村民", "居民", "低保户", "残疾人家庭", "特困人员",
    "困难群众", "五保户", "贫困户",
)  # fmt: skip
# Column headers of a table whose cells below are private persons' names.
NAME_COLUMNS = (
    "姓名",
    "户主",
    "户主姓名",
    "申请人",
    "救助对象",
    "受助人",
    "学生姓名",
    "参保人",
    "收款人",
    "户名",
    "所有人",
)
# Words after which a 、-separated run of names follows (拟录用方圆、高山、欧阳子涵3名同志).
LIST_TRIGGERS = (
    "拟录用", "拟聘用", "拟推荐", "拟表彰", "拟资助", "拟授予", "拟奖励", "名单如下：", "予以资助",
)  # fmt: skip
# A 联系人 on a line with an office number is a staff contact point, not a private person.
_OFFICE_CONTACT = re.compile(r"0\d{2,3}[-－]?\d{7,8}|办公|@[\w.-]*gov\.cn")
# Words that make a whole document about private persons.
DOCUMENT_CONTEXT = (
    "名单", "公示如下", "现予公示", "予以公示", "拟任", "拟推荐", "拟录用", "拟聘用", "您好", "您反映", "来信收悉",
    "留言收悉", "您的留言", "您的来信", "低保对象", "救助对象", "补贴对象", "获奖人员", "中签",
)  # fmt: skip
# Documents about officials in their official capacity (任前公示, 因公出国): their names are public.
OFFICIAL_DOCUMENT = ("任前公示", "拟任职", "拟提拔", "干部任职", "因公出国", "因公临时出国", "任职试用期")
STRONG_DOCUMENT_CONTEXT = ("名单如下", "公示如下", "名单公示", "您好", "来信收悉", "留言收悉", "对象名单")
# A name next to one of these is acting in an official capacity.
OFFICIAL_TITLES = (
    "书记", "县长", "市长", "区长", "镇长", "乡长", "省长", "局长", "厅长", "部长", "主任", "主席", "委员",
    "同志", "代表", "记者", "院长", "所长", "处长", "科长", "总理", "副", "组长", "校长", "站长", "行长",
    "会长", "秘书长", "检察长", "庭长", "队长", "调研", "讲话", "主持", "指出", "强调", "表示", "通讯员",
    "干部", "党委", "党组", "负责人", "专员", "秘书", "馆长", "司长", "董事长", "总经理", "教授", "研究员",
)  # fmt: skip
# jieba tags these nr although they are not names.
NOT_NAMES = frozenset(
    "高新 金融 王府 华侨 司法 安全 文明 和平 平安 严格 公安 张贴 汉族 回族 壮族 满族 苗族 瑶族 畲族 黎族 "
    "农户 全家 全体 全部 单位 时间 经核实 经查".split()
) | frozenset(
    # page widgets and labels of a published page (字号：大 中 小, 分享到, 打印本页): never names
    "字号 分享 分享到 打印 打印本页 关闭 关闭窗口 收藏 来源 作者 浏览 浏览次数 点击 点击数 责编 编辑 审核 发布 返回 "
    "顶部 返回顶部 扫一扫 微信 微博 默认 视力保护色 上一篇 下一篇 附件 索引号 主题词 文号 信息来源 阅读 评论".split()
)
# Given-name parts that are titles or common words (联系人和电话, 李工, 王总, 陈某).
NOT_GIVEN_NAMES = frozenset(
    "工 总 老师 师傅 先生 女士 同志 电话 地址 手机 信息 保密 身份 姓名 及 和 与 等 的 某 某某 主任 经理 局长 "
    "伯 叔 姨 婶 阿姨 大爷 奶奶 爷爷 老 家 人 户 性别 男 女 民族 汉族 阿婆 阿公 阿伯 阿叔 阿嫂 阿姐 大妈 大娘 "
    "老伯 婆婆 伯伯 叔叔 婆 公".split()
)
_ADMIN_SUFFIXES = frozenset("省市县区镇乡村州旗")
_FUNCTION_CHARS = frozenset("的了地得和与在等之为是及或而也就都们后时")  # 同志们, 康复后
# Surnames that are far more often a preposition or conjunction right after a label (当事人和证人).
_PREPOSITIONS = frozenset("及和与向中在对从于以为将把被由等有无没不也都就才又还很最过超")
# Last characters of places and things (连云港, 伊敏河, 容积率, 所在村) rather than given names.
_PLACE_OR_THING_CHARS = frozenset("河港所村路街区县市省镇乡湖岛率性度量业化局院站厂场馆部处科室组队委办司厅类型式")
# jieba POS classes that are never a personal name: verb, adverb, preposition, conjunction, particle…
_NON_NAME_POS = frozenset("vdpcuqrmaf")
_CJK = r"[\u4e00-\u9fff]"
_NAME_FOLLOWERS = (
    r"(?=[，,、。；;（(\s）)：:]|男|女|身份|联系|电话|家住|住址|户籍|反映|来信|来访|投诉|咨询|申请|家中|等|$)"
)
_NAME_BEFORE = frozenset("、，,：:；; \n\t（(|")
_NAME_AFTER = frozenset("、，,；;。 \n\t（(|")
_CELL = re.compile(r"[^\t]+?(?=\t| {2,}|　{2,}|$)|(?<=\t)(?=\t)")
# Lines without tabs or runs of spaces separate their cells by single full-width (or ASCII) spaces.
_SPACED_CELL = re.compile(r"[^\s　]+")
_WIDE_GAP = re.compile(r"\t| {2,}|　{2,}")
_GENDER_AFTER = re.compile(r"[，,（(\s]\s*[男女](?:性)?[，,）)\s；;]")
_ANY_LABEL = re.compile("|".join(sorted(LABELS, key=len, reverse=True)))
_LONG_LABEL = re.compile("|".join(sorted((label for label in LABELS if len(label) >= 2), key=len, reverse=True)))
# A 姓名/户主 header cell holds its word, perhaps spaced out (姓　名): a line without this has none.
_COLUMN_HINT = re.compile("|".join(r"\s*".join(map(re.escape, word)) for word in NAME_COLUMNS))
_TITLE_IN_PARENS = re.compile(r"^[（(][^）)\n]{0,30}?(?:" + "|".join(OFFICIAL_TITLES) + r")")


class TokenIndex:
    """jieba tokens by position, so each candidate looks only at the tokens it covers (linear time)."""

    def __init__(self, artifacts: NlpArtifacts | None) -> None:
        self.present = artifacts is not None
        tokens = list(artifacts.tokens) if artifacts is not None else []
        starts = list(artifacts.tokens_indices) if artifacts is not None else []
        tags = list(getattr(artifacts, "pos", None) or []) if artifacts is not None else []
        count = min(len(tokens), len(starts), len(tags))
        self.tokens, self.starts, self.tags = tokens[:count], starts[:count], tags[:count]

    def __iter__(self) -> Iterator[tuple[str, int, str]]:
        return zip(self.tokens, self.starts, self.tags, strict=True)

    def tagged(self, tag: str) -> Iterator[tuple[str, int]]:
        """(word, start) of the tokens tagged ``tag``, found by one C-level pass over the tags."""
        for i in compress(range(len(self.tags)), map(tag.__eq__, self.tags)):
            yield self.tokens[i], self.starts[i]

    def overlapping(self, start: int, end: int) -> Iterator[tuple[str, int, str]]:
        """Tokens that share at least one character with [start, end)."""
        i = max(0, bisect_right(self.starts, start) - 1)
        while i < len(self.starts) and self.starts[i] < end:
            token_start = self.starts[i]
            if token_start + len(self.tokens[i]) > start:
                yield self.tokens[i], token_start, self.tags[i]
            i += 1

    def is_nr(self, start: int, end: int) -> bool:
        """The span is exactly one token tagged as a person name."""
        i = bisect_right(self.starts, start) - 1
        if i < 0 or self.starts[i] != start:
            return False
        return self.tags[i] == "nr" and start + len(self.tokens[i]) == end


class PersonNameRecognizer(EntityRecognizer):
    def __init__(self, surnames: Iterable[str], dictionary_tag: Callable[[str], str | None] = lambda _: None) -> None:
        self.surnames = frozenset(surnames)
        self.dictionary_tag = dictionary_tag
        compound = sorted(s for s in self.surnames if len(s) == 2)
        single = "".join(sorted(s for s in self.surnames if len(s) == 1))
        surname_re = rf"(?:{'|'.join(compound)}|[{single}])"
        name = rf"(?P<name>{surname_re}{_CJK}{{1,2}})"
        labels = "|".join(sorted(LABELS, key=len, reverse=True))
        self._labelled = re.compile(
            rf"(?P<label>{labels})(?:姓名)?(?:(?P<colon>[：:])\s?|为|是|\s)?[“\"「]?"
            rf"{name}(?P<after>{_NAME_FOLLOWERS}|[”\"」]|$)?"
        )
        self._salutation = re.compile(rf"(?:^|\n)\s*(?:尊敬的)?{name}(?:先生|女士|同志)?[：:]\s*\n?\s*[您你]好")
        self._family = re.compile(rf"(?:^|[\s、，：:])(?P<name>{surname_re}{_CJK}{{1,2}})家庭[（(]")
        self._numbered = re.compile(rf"(?:^|\n)\s*\d{{1,3}}\s*[.．、]\s*{name}(?=[（(，,\s])")
        # "张文明、林小燕：" alone on a line opens a notice addressed to private persons (公告送达).
        self._addressees = re.compile(
            rf"(?:^|\n)(?P<names>(?:{surname_re}{_CJK}{{1,2}}、)*{surname_re}{_CJK}{{1,2}})[：:]\s*\n"
        )
        self._list_item_re = re.compile(rf"{surname_re}{_CJK}{{1,3}}")
        # A row item starts a line or follows a column gap, list mark or 、; prose commas do not count.
        self._delimited_item = re.compile(rf"(?:(?<=[、：:\s|．.])|^){name}(?=[，、,；;（(\s]|$)", re.MULTILINE)
        super().__init__(supported_entities=[ENTITY], name="PersonNameRecognizer", supported_language="zh")

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: dict[tuple[int, int], RecognizerResult] = {}
        if any(word in text for word in OFFICIAL_DOCUMENT):
            return []
        index = TokenIndex(nlp_artifacts)

        def add(start: int, end: int, score: float, pattern: str, why: str, *, strict: bool = True) -> None:
            if (start, end) in results or not self._plausible(text, start, end, index, strict=strict):
                return
            results[(start, end)] = self._result(start, end, score, pattern, why)

        personal_document = sum(1 for word in DOCUMENT_CONTEXT if word in text) >= 2 or any(
            word in text for word in STRONG_DOCUMENT_CONTEXT
        )
        for match in self._labelled.finditer(text):
            # "申请人应当…" is prose: without a colon the name must end at a separator.
            if match.group("label") == "联系人" and _OFFICE_CONTACT.search(
                text, match.end(), _line_end(text, match.end(), CONTACT_WINDOW)
            ):
                continue
            if match.group("colon") is not None or match.group("after") is not None or index.is_nr(*match.span("name")):
                strict = match.group("colon") is None
                add(*match.span("name"), 0.85, "labelled", f"标签“{match.group('label')}”后的姓名", strict=strict)
        for match in self._addressees.finditer(text):
            for item in re.finditer(r"[^、]+", match.group("names")):
                start = match.start("names") + item.start()
                add(start, start + len(item.group(0)), 0.85, "addressee", "公告抬头的受送达人", strict=False)
        for start, end in self._table_column_names(text):
            add(start, end, 0.85, "name_column", "表格“姓名”类列中的人名", strict=False)
        for start, end in self._trigger_list_names(text):
            add(start, end, 0.85, "trigger_list", "“拟录用/拟表彰”等之后并列的人名", strict=False)
        # Each scan below is skipped where the words every one of its matches holds are absent.
        for match in self._family.finditer(text) if "家庭" in text else ():
            add(*match.span("name"), 0.85, "family", "“某某家庭”中的户主姓名", strict=False)
        for match in self._salutation.finditer(text) if "您好" in text or "你好" in text else ():
            add(*match.span("name"), 0.85, "salutation", "答复开头称呼来信群众", strict=False)
        # Delimited, surname-led items (from jieba's nr tags and from the row pattern) are candidates.
        candidates: dict[tuple[int, int], str] = {}
        for word, start in index.tagged("nr"):
            end = start + len(word)
            if 2 <= len(word) <= 3 and word[:1] in self.surnames and self._delimited(text, start, end):
                candidates[(start, end)] = "jieba_nr"
        for match in self._delimited_item.finditer(text):
            candidates.setdefault(match.span("name"), "row_candidate")
        plausible = {
            span: how
            for span, how in candidates.items()
            if not _ANY_LABEL.search(text, *span) and self._plausible(text, *span, index)
        }
        neighbours = _Neighbours(plausible)
        for match in self._numbered.finditer(text) if personal_document else ():
            add(*match.span("name"), 0.6, "numbered_list", "个人信息类文档中编号列表开头的人名", strict=False)
        for start, end in candidates:
            if _GENDER_AFTER.match(text, end):
                add(start, end, 0.6, "profile", "姓名后标注性别，属于个人情况介绍", strict=False)
        for (start, end), how in plausible.items():
            if personal_document and neighbours.listed_with_another(text, start, end, results):
                add(start, end, 0.6, "name_list", "个人信息类文档的名单中与其他姓名并列")
            else:
                add(start, end, ROW_CANDIDATE_SCORE, how, "以分隔符隔开的姓氏开头词（待同行个人信息佐证）")
        self._repeat_confident_names(text, results)
        return list(results.values())

    def _repeat_confident_names(self, text: str, results: dict[tuple[int, int], RecognizerResult]) -> None:
        """A name found once with confidence is the same person wherever it recurs in the text.

        One left-to-right pass over the positions where a confident name starts (found by one regular
        expression scan), looking up the 2–4 characters there (linear time).
        """
        confident: dict[str, float] = {}
        for (start, end), result in results.items():
            if result.score >= 0.6 and end - start >= 2:
                name = text[start:end]
                confident[name] = max(confident.get(name, 0.0), result.score)
        if not confident:
            return
        occupied = bytearray(len(text))
        for start, end in results:
            occupied[start:end] = b"\x01" * (end - start)
        lengths = sorted({len(name) for name in confident}, reverse=True)
        starts = re.compile("(?=" + "|".join(map(re.escape, sorted(confident))) + ")")
        for match in starts.finditer(text):
            position = match.start()
            if occupied[position]:
                continue
            for length in lengths:
                name = text[position : position + length]
                end = position + length
                if name not in confident or any(occupied[position:end]) or self._official(text, position, end):
                    continue
                results[(position, end)] = self._result(
                    position, end, confident[name], "repeat", f"与已识别的姓名“{name}”相同"
                )
                occupied[position:end] = b"\x01" * length
                break

    def _table_column_names(self, text: str) -> list[tuple[int, int]]:
        """Cells under a 姓名/户主 column header of a tab- or space-aligned table (HTML cells are tabs)."""
        found: list[tuple[int, int]] = []
        column: int | None = None
        offset = 0
        while offset <= len(text):
            if column is None:  # outside a table only a header line matters: go to the next one there may be
                hint = _COLUMN_HINT.search(text, offset)
                if hint is None:
                    break
                offset = text.rfind("\n", 0, hint.start()) + 1
            line_end = text.find("\n", offset)
            line = text[offset : line_end if line_end >= 0 else len(text)]
            cell_re = _CELL if _WIDE_GAP.search(line) else _SPACED_CELL
            cells = [(m.start() + offset, m.group(0)) for m in cell_re.finditer(line)]
            names = [re.sub(r"\s", "", c) for _, c in cells]
            if any(n in NAME_COLUMNS for n in names):
                column = next(i for i, n in enumerate(names) if n in NAME_COLUMNS)
            elif column is not None and len(cells) > column:
                start, cell = cells[column]
                compact = re.sub(r"\s", "", cell)
                if 2 <= len(compact) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", compact) and self._surname_led(compact):
                    found.append((start, start + len(cell.rstrip())))
            elif column is not None and len(cells) < 2 and line.strip():
                column = None  # the table ended (blank lines between HTML rows do not end it)
            offset += len(line) + 1
        return found

    def _trigger_list_names(self, text: str) -> list[tuple[int, int]]:
        found = []
        for trigger in LIST_TRIGGERS:
            for match in re.finditer(re.escape(trigger), text):
                pos = match.end()
                while pos < len(text):
                    item = self._list_item_re.match(text, pos)
                    if item is None:
                        break
                    end = item.end()
                    # the item ends at 、 or at the count/等 that closes the list (…欧阳子涵3名同志)
                    while end > item.start() + 2 and text[end - 1] not in "、" and not self._closes_list(text, end):
                        end -= 1
                    if not self._closes_list(text, end):
                        break
                    found.append((item.start(), end))
                    if text[end : end + 1] != "、":
                        break
                    pos = end + 1
        return found

    @staticmethod
    def _closes_list(text: str, end: int) -> bool:
        return end >= len(text) or text[end] in "、，。；等\n" or text[end].isdigit() or text[end : end + 1] in "同"

    def _surname_led(self, word: str) -> bool:
        return word[:1] in self.surnames or word[:2] in self.surnames

    def _plausible(self, text: str, start: int, end: int, index: TokenIndex, *, strict: bool = True) -> bool:
        """Reject masked names (陈某), titles (李工), officials, common words and place names.

        ``strict`` (no explicit label): a frequent dictionary word is never taken for a name,
        whatever jieba's tag says (it tags 许可 and 连云港 nr).
        """
        word = text[start:end]
        given = word[2:] if word[:2] in self.surnames and len(word) > 2 else word[1:]
        if word in NOT_NAMES or given in NOT_GIVEN_NAMES or given[:1] in "某*＊×" or self._official(text, start, end):
            return False
        if _LONG_LABEL.search(word):
            return False  # 申请人 after 再审 is a label, not a name
        if given and all(ch in "一二三四五六七八九十" for ch in given):
            return False  # 高二, 初三: grades, not names
        if len(word) >= 3 and word[-1] in _ADMIN_SUFFIXES:
            return False  # 陆丰市, 甲子镇: places even right after a label
        if word[-1] in _FUNCTION_CHARS or (strict and (word[-1] in _PLACE_OR_THING_CHARS or word[0] in _PREPOSITIONS)):
            return False
        if strict:
            tag = self.dictionary_tag(word)
            # A common word (会议, 名称, 核实); jieba also tags many words nr (许可, 公正, 文明), so
            # without structural evidence a frequent 2-character word is not taken for a name.
            if tag is not None and (not tag.startswith("nr") or len(word) == 2):
                return False
        for token, token_start, tag in index.overlapping(start, end):
            token_end = token_start + len(token)
            if token_end > end or token_start < start:
                return False  # the "name" cuts a word (国家金|库, 李家|村)
            if not strict:
                continue  # a label or the layout already says "name"; only cut words disqualify
            if len(token) >= 2 and tag[:1] in _NON_NAME_POS and tag != "nr":
                return False
            if tag in ("ns", "nt") and len(token) == end - start:
                return False  # the whole candidate is a place or organisation name
        return True

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
        if any(after.startswith(t) for t in OFFICIAL_TITLES) or any(before.endswith(t) for t in OFFICIAL_TITLES):
            return True
        return bool(_TITLE_IN_PARENS.match(text[end : end + 32]))

    def _result(self, start: int, end: int, score: float, pattern: str, why: str) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name, original_score=score, pattern_name=pattern, textual_explanation=why
        )
        return RecognizerResult(ENTITY, start, end, score, explanation)


class _Neighbours:
    """Plausible names by where they start and end, to find list neighbours without a quadratic scan."""

    def __init__(self, candidates: Iterable[tuple[int, int]]) -> None:
        self.by_start: dict[int, list[int]] = {}
        self.by_end: dict[int, list[int]] = {}
        for start, end in candidates:
            self.by_start.setdefault(start, []).append(end)
            self.by_end.setdefault(end, []).append(start)

    def listed_with_another(
        self, text: str, start: int, end: int, found: dict[tuple[int, int], RecognizerResult]
    ) -> bool:
        """A name list: another plausible name right before or after, separated only by 、，or spaces."""
        for gap in range(1, MAX_LIST_GAP + 1):
            before, after = start - gap, end + gap
            if before >= 0 and _list_gap(text[before:start]):
                spans = [(s, before) for s in self.by_end.get(before, ())]
                if spans or any(self._confident(found, s, e) for s, e in _spans_ending(found, before)):
                    return True
            if after <= len(text) and _list_gap(text[end:after]):
                spans = [(after, e) for e in self.by_start.get(after, ())]
                if spans or any(self._confident(found, s, e) for s, e in _spans_starting(found, after)):
                    return True
        return False

    @staticmethod
    def _confident(found: dict[tuple[int, int], RecognizerResult], start: int, end: int) -> bool:
        result = found.get((start, end))
        return result is not None and result.score >= 0.6


MAX_LIST_GAP = 3
CONTACT_WINDOW = 80


def _list_gap(gap: str) -> bool:
    return set(gap) <= set("、，, \t")


def _spans_ending(found: dict[tuple[int, int], RecognizerResult], end: int) -> Iterator[tuple[int, int]]:
    # names are 2–4 characters long
    return ((end - length, end) for length in range(2, 5) if (end - length, end) in found)


def _spans_starting(found: dict[tuple[int, int], RecognizerResult], start: int) -> Iterator[tuple[int, int]]:
    return ((start, start + length) for length in range(2, 5) if (start, start + length) in found)


def _line_end(text: str, start: int, window: int) -> int:
    """End of the line that contains ``start``, looking at most ``window`` characters ahead."""
    limit = min(len(text), start + window)
    newline = text.find("\n", start, limit)
    return limit if newline < 0 else newline
