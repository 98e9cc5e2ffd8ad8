"""The patterns of the do-not-touch layer: numbers, measure words, names, titles, country abbreviations.

Each one marks text whose form is chosen, not mistyped, so a character model must not "correct" it.
"""

from __future__ import annotations

import re

NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")
# A numeral is part of a number (never touched) next to another numeral or a digit, after 第, or before a unit.
NUMBER = re.compile(
    r"第[〇零一二三四五六七八九十百千万亿两]+"
    r"|[〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]{2,}"
    r"|(?<=[0-9.])[〇零一二三四五六七八九十百千万亿两]|[〇零一二三四五六七八九十百千万亿两](?=[0-9])"
    r"|[〇零一二三四五六七八九十两](?=[个元角年月日号时次条款项章节名人岁位家件户套台辆吨米里倍成批届期%％])"
)
# A measure word after a number or a determiner (301066.9万剂次, 1114处, 这座, 450位) is chosen, not mistyped.
MEASURE_WORDS = (
    "个位名项条款件次座部台辆架艘份处家所届期批种类套双对副张本册篇首句段节章幅根支只头匹尾棵株朵片块包箱瓶杯"
    "碗斤吨度米里亩顷剂例起宗场轮门道层栋间户口枚颗粒滴股笔单针趟遍番阵顿元角岁周天刻秒年月日号时"
)
MEASURE = re.compile(rf"(?<=[0-9〇零一二三四五六七八九十百千万亿两几多数每各这那该此哪首全整半逐])[{MEASURE_WORDS}]次?")
ORG_SUFFIXES = frozenset("部委局厅办署院处司科组队所站社")
# CJK characters inside a code or number: （2024）粤1581执2345号, 陆府办函〔2024〕12号 are designations, not prose.
CODE_INFIX = re.compile(r"(?<=[0-9A-Za-z])[\u4e00-\u9fff]{1,3}(?=[0-9A-Za-z])")
# The first character after Latin text, a URL or a number: the model sees every letter as one symbol and every
# digit as another, so its evidence there is too coarse to overrule what the writer chose.
AFTER_ASCII = re.compile(r"(?<=[0-9A-Za-z/_@%.-]) ?[\u4e00-\u9fff]")
# jieba tags of proper nouns: person (nr, nrfg, nrt), place (ns), organisation (nt), other proper (nz). jieba's
# HMM also tags unknown strings this way, typos included (建康/nz, 长爱文/nr), so an unknown string only counts
# as a name when it starts with a surname (persons) or is a transliteration (nrt).
PERSON_POS = frozenset({"nr", "nrfg"})
PROPER_POS = frozenset({"nrt", "ns", "nt", "nz"}) | PERSON_POS
TITLES = re.compile(r"《[^《》\n]{1,80}》|〈[^〈〉\n]{1,80}〉")
# A quotation without sentence punctuation inside reads as a name or title (“十四五”规划, “放管服”改革).
QUOTED = re.compile(r"“([^“”\n，。；！？,;!?]{1,24})”|「([^「」\n，。；！？]{1,24})」|『([^『』\n，。；！？]{1,24})』")
_ITEM_EDGE = "、，,；;：:\\s（）()\\[\\]【】/|·"
# A short list item (公示 lists, tables): 2–4 CJK characters between separators.
LIST_ITEM = re.compile(rf"(?:(?<=^)|(?<=[{_ITEM_EDGE}]))([\u4e00-\u9fff]{{2,4}})(?=[{_ITEM_EDGE}]|$)", re.M)
_TITLES = (
    "书记|局长|主任|部长|委员|代表|主席|市长|县长|区长|镇长|乡长|厅长|处长|科长|院长|校长|所长|站长|经理|董事长|"
    "理事长|秘书长|总理|总统|首相|大使|发言人|教授|院士|记者|同志"
)
# 局长胡东胜: a name right after a title.
AFTER_TITLE = re.compile(rf"(?:{_TITLES})([\u4e00-\u9fff]{{2,3}})")
# One-character country abbreviations in diplomatic prose: 中乌双方, 中阿、中海峰会, 伊中合作, 同伊方一道, 以方, 以军.
# Marking 中南 or 南方 as well costs nothing: those are words, and a protected word only keeps its spelling.
_ABBR = (
    "美俄日韩朝英法德意乌印巴澳加越老柬泰缅菲马新蒙哈吉塔土伊沙埃阿以叙黎约科卡也索苏南非欧拉"
    "葡西希匈塞波捷荷比瑞挪丹芬冰奥白孟秘智古委墨坦肯津刚赞突黑克爱罗保海喀格斯厄尼利毛"
)
_RELATION = (
    "关系|合作|两国|双方|友好|建交|战略|伙伴|领导人|峰会|自贸|贸易|友谊|外长|元首|联合|边境|人文|经贸|全面|命运|"
    "冲突|谈判|停火|边界|间|、|和|与|及"
)
COUNTRY_PAIR = re.compile(rf"中[{_ABBR}]{{1,2}}|[{_ABBR}]{{1,2}}中?(?={_RELATION})")
COUNTRY_SIDE = re.compile(rf"[{_ABBR}][方军]")
HONORIFICS = (
    "同志|先生|女士|老师|书记|主任|局长|市长|县长|区长|镇长|乡长|村长|部长|厅长|处长|科长|"
    "主席|委员|代表|院长|校长|所长|站长|经理|董事长|总经理|医生|警官|律师"
).split("|")
# 胡东胜同志: a name right before an honorific (protect.honorific_names finds the same matches faster).
HONORIFIC = re.compile(rf"([\u4e00-\u9fff]{{2,3}})(?={'|'.join(HONORIFICS)})")
