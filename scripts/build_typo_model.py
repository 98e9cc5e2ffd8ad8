"""Build the typo check's shipped data (dictionaries/typo/) from the project's shared data folder.

Run: python scripts/build_typo_model.py [SHARED_DATA_DIR] [--skip-lm] [--skip-fit]
(SHARED_DATA_DIR defaults to ../shared/data next to the repository)

Writes, deterministically (same inputs → byte-identical outputs):

- ``lm.npz``          character 5-gram model (interpolated absolute discounting, pruned, 40-bit fingerprints)
- ``confusion.tsv``   character confusion pairs with their kind and SIGHAN training counts
- ``misspellings.tsv`` curated wrong → right words and idioms
- ``protected.txt``   place names that a correction must never touch
- ``heldout.tsv``     the corpus documents kept OUT of the model (false-alarm measurement: dev and test)
- ``register.json``   per-character ratios that tell everyday writing from formal prose, and the cutoff
- ``scorer.json``     the fitted scorer, its threshold and its lower threshold for everyday writing

Only the laws and the 1954–2017 reports feed the model (the 新闻联播 transcripts may be used to measure,
never to build). The product reads only these outputs, never the shared folder.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.catalog import user_dictionaries  # noqa: E402
from checks.pycorrector_data import pycorrector_file  # noqa: E402
from checks.segmenter import Segmenter  # noqa: E402
from checks.typo import tuning  # noqa: E402
from checks.typo.check import TypoCheck  # noqa: E402
from checks.typo.confusion import ConfusionSet  # noqa: E402
from checks.typo.features import FEATURES  # noqa: E402
from checks.typo.lm import BO_SCALE, LP_SCALE, MAX_QUANT, CharLM  # noqa: E402
from checks.typo.misspellings import MisspellingList  # noqa: E402
from checks.typo.model import (  # noqa: E402
    CONFUSION_FILE,
    IDIOMS_FILE,
    LM_FILE,
    MISSPELLINGS_FILE,
    PROTECTED_FILE,
    SCORER_FILE,
    TypoModel,
    read_names,
)
from checks.typo.ngram_hash import MAX_ORDER, sliding_windows, split_fingerprint, suffix_hashes  # noqa: E402
from checks.typo.protect import AllowList  # noqa: E402
from checks.typo.protect_patterns import NUMERALS  # noqa: E402
from checks.typo.register import REGISTER_FILE, RegisterModel, bigrams  # noqa: E402
from checks.typo.scorer import Scorer  # noqa: E402
from checks.typo.symbols import BOUNDARY, clean_for_model, encode, is_cjk  # noqa: E402
from checks.typo.words import WordLookup  # noqa: E402

OUT = ROOT / "dictionaries" / "typo"
DEFAULT_DATA = ROOT.parent / "shared" / "data"

# --- held-out documents (never in the model) -------------------------------------------------------------
# dev: used to choose thresholds on clean prose; test: only to report false alarms (bench.typo_sighan).
HELDOUT_REPORTS = {
    "test": ("2017年", "2013年", "2009年", "2005年", "1999年", "(十七大)"),
    "dev": ("2015年", "2011年", "2003年", "(十六大)"),
}
LAW_BUCKETS = 20  # crc32(source) % 20: 0 → test, 1 and 2 → dev (a large dev set: the threshold rests on it)


def law_split(source: str) -> str:
    bucket = zlib.crc32(source.encode("utf-8")) % LAW_BUCKETS
    return {0: "test", 1: "dev", 2: "dev"}.get(bucket, "train")


def report_split(title: str) -> str:
    for split, marks in HELDOUT_REPORTS.items():
        if any(title.startswith(m) or title.endswith(m) or m in title.replace(" ", "") for m in marks):
            return split
    return "train"


@dataclass(frozen=True)
class CorpusDoc:
    corpus: str
    key: str
    text: str
    split: str


def corpus_docs(data: Path) -> Iterator[CorpusDoc]:
    corpus = data / "corpus"
    with (corpus / "laws_regulations_2000_2025.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            yield CorpusDoc("laws", doc["source"], doc["text"], law_split(doc["source"]))
    for name in ("government_work_reports_1954_2017", "cpc_congress_reports_1_to_17"):
        with (corpus / f"{name}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                yield CorpusDoc(name, doc["title"], doc["content"], report_split(doc["title"]))


# --- SIGHAN training sentences --------------------------------------------------------------------------
_SENTENCE = re.compile(r"<TEXT>(.*?)</TEXT>(.*?)</SENTENCE>", re.S)
_MISTAKE = re.compile(r"<LOCATION>\s*(\d+)\s*</LOCATION>\s*<WRONG>(.*?)</WRONG>\s*<CORRECTION>(.*?)</CORRECTION>", re.S)


@dataclass(frozen=True)
class SighanSentence:
    text: str
    corrected: str
    pairs: tuple[tuple[str, str], ...]  # (wrong, right) characters


def sighan_sentences(path: Path) -> list[SighanSentence]:
    """Sentences with their single-character corrections applied; inconsistent mistakes are skipped."""
    out = []
    for match in _SENTENCE.finditer(path.read_text(encoding="utf-8")):
        text = match.group(1).strip()
        chars = list(text)
        pairs = []
        for loc, wrong, right in _MISTAKE.findall(match.group(2)):
            i = int(loc) - 1
            wrong, right = wrong.strip(), right.strip()
            if len(wrong) != len(right) or wrong == right or text[i : i + len(wrong)] != wrong:
                continue
            for k, (w, r) in enumerate(zip(wrong, right, strict=True)):
                if w != r:
                    chars[i + k] = r
                    pairs.append((w, r))
        out.append(SighanSentence(text, "".join(chars), tuple(pairs)))
    return out


# --- character n-gram model -----------------------------------------------------------------------------
MIN_COUNT = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3}
# The SIGHAN-2014 training sentences (corrected) are the only everyday prose allowed in the model; they are
# repeated so their n-grams survive pruning next to 17 M characters of laws.
SIGHAN_LM_WEIGHT = 1  # non-decreasing, so every kept n-gram keeps its context


def build_lm(texts: list[str]) -> dict[str, np.ndarray]:
    """Interpolated absolute-discounting char 5-gram model, pruned by count, as fingerprint-sorted arrays."""
    codes = encode("\n" + "\n".join(clean_for_model(t) for t in texts) + "\n")
    hashes = suffix_hashes(sliding_windows(codes, MAX_ORDER, BOUNDARY))
    total = len(codes) - 1  # position 0 is only a left context
    keys: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    logp: list[np.ndarray] = []
    log_gamma: list[np.ndarray] = []
    for order in range(1, MAX_ORDER + 1):
        uniq, first, count = np.unique(hashes[order - 1][1:], return_index=True, return_counts=True)
        first += 1
        log_gamma.append(np.zeros(len(uniq)))
        if order == 1:
            lp = np.log(count / total)
        else:
            ctx = hashes[order - 2][first - 1]
            ctx_u, ctx_inv = np.unique(ctx, return_inverse=True)
            ctx_count = np.bincount(ctx_inv, weights=count)
            ctx_types = np.bincount(ctx_inv)
            n1, n2 = int((count == 1).sum()), int((count == 2).sum())
            discount = n1 / (n1 + 2 * n2)
            gamma = discount * ctx_types / ctx_count
            lower = logp[-1][np.searchsorted(keys[-1], hashes[order - 2][first])]
            lp = np.log((count - discount) / ctx_count[ctx_inv] + gamma[ctx_inv] * np.exp(lower))
            # a context's backoff weight is stored on the context's own entry (one order lower)
            pos = np.minimum(np.searchsorted(keys[-1], ctx_u), len(keys[-1]) - 1)
            found = keys[-1][pos] == ctx_u
            log_gamma[-2][pos[found]] = np.log(gamma[found])
            print(f"  order {order}: discount {discount:.3f}")
        keys.append(uniq)
        counts.append(count)
        logp.append(lp)
    parts: dict[str, list[np.ndarray]] = {"key": [], "chk": [], "lp": [], "bo": []}
    for order in range(1, MAX_ORDER + 1):
        keep = counts[order - 1] >= MIN_COUNT[order]
        k32, chk = split_fingerprint(keys[order - 1][keep])
        parts["key"].append(k32)
        parts["chk"].append(chk)
        parts["lp"].append(quantize(-logp[order - 1][keep], LP_SCALE))
        parts["bo"].append(quantize(-log_gamma[order - 1][keep], BO_SCALE))
        print(f"  order {order}: {len(keep):,} n-grams, kept {int(keep.sum()):,} (count ≥ {MIN_COUNT[order]})")
    merged = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    order_idx = np.lexsort((merged["chk"], merged["key"]))
    print(f"  {len(order_idx):,} entries from {total:,} symbols")
    return {name: array[order_idx] for name, array in merged.items()}


def quantize(values: np.ndarray, scale: float) -> np.ndarray:
    return np.clip(np.rint(values * scale), 0, MAX_QUANT).astype(np.uint8)


def write_lm(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Keys are stored as deltas (they compress well); the loader restores them with a cumulative sum."""
    key = arrays["key"].astype(np.int64)
    delta = np.diff(key, prepend=0).astype(np.uint32)
    np.savez_compressed(path, key_delta=delta, chk=arrays["chk"], lp=arrays["lp"], bo=arrays["bo"])


# --- character confusions ------------------------------------------------------------------------------
KIND_NAMES = {
    "P": "same_pinyin.txt 同音同调",
    "T": "same_pinyin.txt 同音异调",
    "S": "same_stroke.txt 形近",
    "C": "csc confusion.txt",
}


def _cjk_chars(text: str) -> list[str]:
    return [ch for ch in text if is_cjk(ch)]


def build_confusion(data: Path, train14: list[SighanSentence], train15: list[SighanSentence]) -> list[tuple]:
    """Symmetric similarity pairs (sound, shape, SIGHAN confusion set) plus directed SIGHAN error counts."""
    kinds: dict[tuple[str, str], set[str]] = {}

    def add(a: str, b: str, kind: str) -> None:
        if a != b:
            kinds.setdefault((a, b), set()).add(kind)
            kinds.setdefault((b, a), set()).add(kind)

    for line in pycorrector_file("same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        for ch in _cjk_chars(cols[1] if len(cols) > 1 else ""):
            add(cols[0], ch, "P")
        for ch in _cjk_chars(cols[2] if len(cols) > 2 else ""):
            add(cols[0], ch, "T")
    for line in pycorrector_file("same_stroke.txt").read_text(encoding="utf-8").splitlines():
        chars = _cjk_chars(line)
        for ch in chars[1:]:
            add(chars[0], ch, "S")
    for line in (data / "csc" / "confusion.txt").read_text(encoding="utf-8").splitlines():
        head, _, rest = line.partition(":")
        if len(head) == 1 and is_cjk(head):
            for ch in _cjk_chars(rest):
                add(head, ch, "C")
    errors = {name: Counter(p for s in sents for p in s.pairs) for name, sents in (("14", train14), ("15", train15))}
    pairs = set(kinds) | set(errors["14"]) | set(errors["15"])
    rows = []
    for wrong, right in sorted(pairs):
        if not (is_cjk(wrong) and is_cjk(right)):
            continue
        kind = "".join(k for k in "PTSC" if k in kinds.get((wrong, right), ()))
        rows.append((wrong, right, kind or "-", errors["14"][(wrong, right)], errors["15"][(wrong, right)]))
    return rows


def write_confusion(rows: list[tuple], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# character confusions: wrong<TAB>right<TAB>kinds<TAB>sighan14<TAB>sighan15\n")
        fh.write("# kinds: " + "; ".join(f"{k} = {v}" for k, v in KIND_NAMES.items()) + "; - = only seen in SIGHAN\n")
        fh.write("# sighan14/15: how often the SIGHAN-2014/2015 training sentences correct wrong → right\n")
        for row in rows:
            fh.write("\t".join(str(x) for x in row) + "\n")
    print(f"confusion pairs: {len(rows):,}")


# --- curated misspellings -------------------------------------------------------------------------------
# Pairs of common_misspellings.tsv whose "wrong" form is an accepted variant or a different valid expression
# (现代汉语词典 / 第一批异形词整理表 judgement, by hand), or whose direction is doubtful.
ACCEPTED_FORMS = frozenset(
    "丰富多采 唯命是从 含糊其词 闪烁其词 隐约其词 嫉恶如仇 坚韧不拔 势不可挡 攻城掠地 重整旗鼓 不温不火 横冲直闯 "
    "宽洪大量 层见迭出 山青水秀 满山遍野 留连忘返 作贼心虚 隐隐绰绰 器宇轩昂 知书达礼 短小精干 耳根清静 舍身取义 "
    "哀声叹气 委屈求全 杳无音讯 真知卓见 要言不繁 一口同声 遗害无穷 悬梁刺股 义正辞严 付之东流 珠连璧合 长嘘短叹 "
    "迭床架屋 翻复无常 金刚努目 呱呱堕地 残篇断简 以老卖老 了望 人材 称做 签定 帐户 其它".split()
)
# Hand-curated additions: errors seen in government drafts and the classic 别字 lists; the wrong forms are
# not words. Checked below like the rest (the wrong form must be absent from the formal corpus).
HAND_PAIRS = (
    "实事求事 实事求是|布署 部署|贯切 贯彻|惯彻 贯彻|决策布署 决策部署|既往开来 继往开来|一如继往 一如既往|"
    "坚苦奋斗 艰苦奋斗|竞竞业业 兢兢业业|精兵减政 精兵简政|迫在眉捷 迫在眉睫|一愁莫展 一筹莫展|防犯 防范|渲泄 宣泄|"
    "松驰 松弛|按装 安装|安祥 安详|震憾 震撼|寒喧 寒暄|针贬 针砭|一股作气 一鼓作气|出奇不意 出其不意|"
    "言简意骇 言简意赅|明辩是非 明辨是非|谈笑风声 谈笑风生|穿流不息 川流不息|美仑美奂 美轮美奂|声名雀起 声名鹊起|"
    "病入膏盲 病入膏肓|不径而走 不胫而走|世外桃园 世外桃源|变本加利 变本加厉|粗制烂造 粗制滥造|制肘 掣肘|勾通 沟通|"
    "励行节约 厉行节约|不言而谕 不言而喻|脍灸人口 脍炙人口|饮鸠止渴 饮鸩止渴|烂竽充数 滥竽充数|事必恭亲 事必躬亲|"
    "惩前必后 惩前毖后|渊远流长 源远流长|出类拔粹 出类拔萃|旁证博引 旁征博引|相辅相承 相辅相成|重蹈复辙 重蹈覆辙|"
    "以身做则 以身作则|按图索冀 按图索骥|人才倍出 人才辈出|篷勃发展 蓬勃发展|持之以衡 持之以恒|坚持不泄 坚持不懈|"
    "契而不舍 锲而不舍|攻艰克难 攻坚克难|抵砺前行 砥砺前行|砥励前行 砥砺前行|鞠躬尽粹 鞠躬尽瘁|风青气正 风清气正|"
    "防微杜惭 防微杜渐|未雨筹谋 未雨绸缪|未雨稠缪 未雨绸缪|一以惯之 一以贯之|与时具进 与时俱进|因地治宜 因地制宜|"
    "因地置宜 因地制宜|名符其实 名副其实|天翻地复 天翻地覆|翻天复地 翻天覆地|出谋化策 出谋划策|装璜 装潢|气慨 气概|"
    "幅射 辐射|峻工 竣工|精隋 精髓|蹉商 磋商|腾写 誊写|陷井 陷阱|报消 报销|防碍 妨碍|防范未然 防患未然|防迅 防汛|"
    "复盖 覆盖|辑毒 缉毒|编缉 编辑|通辑 通缉|膨涨 膨胀|侯选人 候选人|侯车 候车|气侯 气候|意识型态 意识形态|讫今 迄今|"
    "沉缅 沉湎|烂用职权 滥用职权|询私舞弊 徇私舞弊|循私舞弊 徇私舞弊|磷选 遴选|屡职 履职|屡行职责 履行职责|"
    "履禁不止 屡禁不止|瞻养 赡养|赡仰 瞻仰|缀学 辍学|点辍 点缀|家俱 家具|会萃 荟萃|一促而就 一蹴而就|脱颍而出 脱颖而出|"
    "再所难免 在所难免|再所不惜 在所不惜|迫不得以 迫不得已|如火如涂 如火如荼|如火如茶 如火如荼|当人不让 当仁不让|"
    "兼收并畜 兼收并蓄|关怀倍至 关怀备至|倍受欢迎 备受欢迎|倍受关注 备受关注|倍受青睐 备受青睐|自立更生 自力更生"
)
HAND_SOURCE = "人工整理（政务文稿常见别字）"


def read_lexicon(data: Path, name: str) -> list[str]:
    lines = (data / "lexicon" / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0].strip() for line in lines if line.strip() and not line.startswith("#")]


def build_misspellings(data: Path, corpus_text: str, known_word: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    """Reviewed wrong → right pairs whose wrong form never (or almost never) occurs in the formal corpus."""
    idioms = set(read_lexicon(data, "idioms.txt")) | set(read_lexicon(data, "idioms_namemoe_5w.txt"))
    idioms |= set(read_lexicon(data, "THUOCL_chengyu.txt"))
    pairs: dict[str, tuple[str, str]] = {}
    for line in (data / "lexicon" / "common_misspellings.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        wrong, right, source, check = (line.split("\t") + [""] * 4)[:4]
        if check == "possibly_reversed" or wrong in ACCEPTED_FORMS:
            continue
        pairs.setdefault(wrong, (right, f"common_misspellings.tsv（{source}）"))
    for item in HAND_PAIRS.split("|"):
        wrong, right = item.split()
        pairs[wrong] = (right, HAND_SOURCE)
    reverse = {(r, w) for w, (r, _) in pairs.items()}
    rows, dropped = [], Counter()
    for wrong, (right, source) in sorted(pairs.items()):
        seen_wrong, seen_right = corpus_text.count(wrong), corpus_text.count(right)
        if len(wrong) != len(right) or not all(map(is_cjk, wrong + right)) or len(wrong) < 2:
            dropped["not a same-length CJK pair"] += 1
        elif (wrong, right) in reverse:
            dropped["both directions listed"] += 1
        elif seen_wrong > 2 or (seen_wrong and seen_right < 10 * seen_wrong):
            dropped["wrong form used in the formal corpus"] += 1
        elif not (right in idioms or seen_right or known_word(right)):
            dropped["right form unknown"] += 1
        else:
            rows.append((wrong, right, source))
    print(f"misspellings: {len(rows):,} kept, dropped {dict(dropped)}")
    return rows


def write_misspellings(rows: list[tuple[str, str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# curated misspellings: wrong<TAB>right<TAB>source (built by scripts/build_typo_model.py)\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")


# --- protected names ------------------------------------------------------------------------------------
_PLACE_SUFFIXES = re.compile(
    r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|经济开发试验区|经济技术开发区|"
    r"高新技术产业开发区|经济开发区|开发区|管理区|街道办事处|街道|社区居民委员会|居民委员会|社区居委会|居委会|"
    r"村民委员会|村委会|省|市|地区|盟|区|县|旗|镇|乡|苏木|社区|村)$"
)
_ETHNIC = re.compile(r"(?:[\u4e00-\u9fff]{1,5}族)+$")
_SKIP_PLACES = {"市辖区", "辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
PROPER_TAGS = ("ns", "nr", "nrfg", "nrt", "nt", "nz")


def place_forms(name: str) -> set[str]:
    """The official name and its bare form (陆丰市 → 陆丰, 碣石镇 → 碣石, 星都经济开发试验区 → 星都)."""
    forms = {name}
    bare = _ETHNIC.sub("", _PLACE_SUFFIXES.sub("", name))
    if len(bare) >= 2:
        forms.add(bare)
    return forms


def build_protected(data: Path, tag_of: Callable[[str], str | None], wrong_forms: set[str]) -> list[str]:
    names: set[str] = set()
    places = data / "places"
    for file in ("china_divisions_2023_levels1-4.csv", "guangdong_divisions_2021_levels1-5.csv", "hk_mo_tw_2021.csv"):
        with (places / file).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = row["name"].strip()
                if name not in _SKIP_PLACES and re.fullmatch(r"[\u4e00-\u9fff]+", name):
                    names |= place_forms(name)
    for file in ("THUOCL_diming.txt", "THUOCL_lishimingren.txt"):
        for word in read_lexicon(data, file):
            tag = tag_of(word)  # a common word of another kind (医院, 学校) is not a name
            if re.fullmatch(r"[\u4e00-\u9fff]{2,}", word) and (tag is None or tag in PROPER_TAGS):
                names.add(word)
    kept = sorted(n for n in names if len(n) >= 2 and not any(w in n for w in wrong_forms))
    print(f"protected names: {len(kept):,}")
    return kept


def build_idioms(data: Path, wrong_forms: set[str]) -> list[str]:
    """Idioms and set phrases (4+ characters) minus every form any misspelling list calls wrong.

    The idiom lists contain wrong forms (再接再励 is in NameMoe), so all wrong forms of common_misspellings.tsv —
    kept or not — and of the hand list are subtracted before the list is used to protect text.
    """
    idioms = set(read_lexicon(data, "idioms.txt")) | set(read_lexicon(data, "idioms_namemoe_5w.txt"))
    idioms |= set(read_lexicon(data, "THUOCL_chengyu.txt"))
    for line in (data / "lexicon" / "common_misspellings.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            wrong_forms.add(line.split("\t")[0])
    wrong_forms |= {item.split()[0] for item in HAND_PAIRS.split("|")}
    kept = sorted(
        i
        for i in idioms
        if len(i) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", i) and not any(w in i for w in wrong_forms)
    )
    print(f"protected idioms: {len(kept):,} of {len(idioms):,}")
    return kept


def write_protected(names: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# names a correction never touches: places (NBS divisions, bare forms) and THUOCL places/persons\n")
        for name in names:
            fh.write(name + "\n")


def write_idioms(idioms: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# idioms and set phrases a correction never touches (wrong forms removed)\n")
        for idiom in idioms:
            fh.write(idiom + "\n")


# --- register: everyday writing or formal prose ------------------------------------------------------
REGISTER_MIN_COUNT = {1: 3, 2: 10}  # characters (bigrams) seen fewer times in all the texts together are not rated
REGISTER_SMOOTHING = 0.5
REGISTER_CLIP = 4.0  # one rare character may not decide a paragraph
REGISTER_MIN_CHARS = 8  # a line with fewer distinct characters (a heading, a name, junk) is too short to judge: formal
REGISTER_CUTOFFS = tuple(round(x, 1) for x in np.arange(-1.0, 2.01, 0.1))
EVERYDAY_RECALL = 0.95  # share of held-out essay characters the cutoff must still judge everyday
DEV_EVERYDAY_MAX = 0.001  # share of each dev corpus's characters it may judge everyday
FORMAL_CORPORA = ("laws", "government_work_reports_1954_2017", "cpc_congress_reports_1_to_17")


def register_units(text: str) -> list[str]:
    """What a ratio is kept for: CJK characters and adjacent CJK pairs."""
    return [ch for ch in text if is_cjk(ch)] + [b for b in bigrams(text) if is_cjk(b[0]) and is_cjk(b[1])]


def register_ratios(everyday: list[str], formal: list[list[str]]) -> dict[str, float]:
    """Per character and bigram, the smoothed log-ratio of its frequency in everyday writing to that in formal prose;
    the formal frequency is the mean over the formal corpora, so the laws (most of the text) do not make every
    word of a report (我们, 同志们) look informal."""
    ce = Counter(u for t in everyday for u in register_units(t))
    cfs = [Counter(u for t in texts for u in register_units(t)) for texts in formal]
    seen = Counter(ce)
    for c in cfs:
        seen.update(c)
    vocab = sorted(u for u, n in seen.items() if n >= REGISTER_MIN_COUNT[len(u)])
    k, size = REGISTER_SMOOTHING, len(vocab)
    ne, nfs = sum(ce[u] for u in vocab), [sum(c[u] for u in vocab) for c in cfs]
    out = {}
    for u in vocab:
        formal_freq = float(np.mean([(c[u] + k) / (n + k * size) for c, n in zip(cfs, nfs, strict=True)]))
        ratio = float(np.log((ce[u] + k) / (ne + k * size)) - np.log(formal_freq))
        out[u] = max(-REGISTER_CLIP, min(REGISTER_CLIP, ratio))
    return out


def everyday_share(model: RegisterModel, texts: list[str]) -> float:
    chars = sum(len(t) for t in texts) or 1
    return sum(int(model.everyday(t).sum()) for t in texts) / chars


def build_register(
    docs: list[CorpusDoc], train14: list[SighanSentence], train15: list[SighanSentence]
) -> RegisterModel:
    """Everyday = the SIGHAN training essays (corrected), formal = the prose the model is built from. The cutoff:
    the highest that still judges EVERYDAY_RECALL of the characters of essays held out from the ratios (every other
    one) everyday, and at most DEV_EVERYDAY_MAX of each dev corpus (none of it is in the ratios)."""
    essays = [s.corrected for s in train14 + train15]
    formal = [[d.text for d in docs if d.split == "train" and d.corpus == c] for c in FORMAL_CORPORA]
    dev = [[p for d in docs if d.split == "dev" and d.corpus == c for p in d.text.split("\n")] for c in FORMAL_CORPORA]
    half = RegisterModel(register_ratios(essays[::2], formal), 0.0, REGISTER_MIN_CHARS)
    chosen = None
    for cutoff in REGISTER_CUTOFFS:
        trial = replace(half, cutoff=cutoff)
        essay_share, dev_share = everyday_share(trial, essays[1::2]), max(everyday_share(trial, d) for d in dev)
        print(f"  register cutoff {cutoff:.1f}: held-out essays {essay_share:.3f}, dev prose {dev_share:.4f} everyday")
        if essay_share >= EVERYDAY_RECALL and dev_share <= DEV_EVERYDAY_MAX:
            chosen = cutoff
    if chosen is None:
        raise SystemExit("no register cutoff separates the essays from the dev prose")
    note = (
        f"cutoff {chosen}: the highest judging >= {EVERYDAY_RECALL:.0%} of held-out SIGHAN training essay characters "
        f"everyday and <= {DEV_EVERYDAY_MAX:.1%} of the characters of each dev corpus"
    )
    print("register:", note)
    return RegisterModel(register_ratios(essays, formal), chosen, REGISTER_MIN_CHARS, note)


# --- scorer ---------------------------------------------------------------------------------------------
def fit_scorer(docs: list[CorpusDoc], train15: list[SighanSentence], segmenter: Segmenter) -> None:
    """Fit the logistic scorer on SIGHAN-2015 training sentences + held-out dev prose; choose the threshold.

    The SIGHAN pair counts are cross-fitted (only the 2014 counts are visible while fitting on 2015 sentences).
    """
    surnames = frozenset(read_names(ROOT / "dictionaries" / "surnames.txt"))
    placeholder = Scorer(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.zeros(len(FEATURES)), 0.0, 0.0)
    model = TypoModel(
        lm=CharLM.load(OUT / LM_FILE),
        confusion=ConfusionSet.load(OUT / CONFUSION_FILE, counts="14", closed=NUMERALS),
        misspellings=MisspellingList.load(OUT / MISSPELLINGS_FILE),
        allow_list=AllowList(read_names(OUT / PROTECTED_FILE) + read_names(OUT / IDIOMS_FILE)),
        scorer=placeholder,
        register=RegisterModel.load(OUT / REGISTER_FILE),
    )
    check = TypoCheck(model, WordLookup(segmenter.dictionary_tag), surnames)
    # every erroneous sentence, plus its corrected form as a clean sentence (the test set mixes both)
    texts: list[tuple[str, str | None]] = [(s.text, s.corrected) for s in train15 if s.pairs]
    texts += [(s.corrected, s.corrected) for s in train15]
    dev_chars = 0
    for doc in docs:
        if doc.split == "dev":
            paragraphs = [p for p in doc.text.split("\n") if len(p.strip()) >= 5]
            texts += [(p, None) for p in paragraphs]
            dev_chars += sum(map(len, paragraphs))
    print(f"fitting the scorer on {len(train15):,} SIGHAN-2015 training sentences and {dev_chars:,} dev characters")
    items = tuning.collect(check, segmenter, texts, loose_bound=tuning.COLLECT_BOUND)
    bound = tuning.suspicious_threshold(items)
    items = tuning.apply_filter(items, bound)
    fitted, oof = tuning.fit(items)
    fitted = replace(fitted, suspicious_below=bound)
    check = TypoCheck(replace(model, scorer=fitted), check.words, surnames)  # the second pass scores with it
    points = tuning.curve(check, items, oof, tuning.THRESHOLDS)
    chosen = tuning.choose(points)
    for point in points:
        mark = "  <- chosen" if point is chosen else ""
        print(f"  T={point.threshold:5.2f} {point.sighan.line()} dev FA/10k={point.false_alarms_per_10k:.2f}{mark}")
    everyday_points = tuning.curve(check, items, oof, tuning.THRESHOLDS, formal=chosen.threshold)
    everyday = tuning.choose_everyday(everyday_points, chosen.threshold)
    for point in everyday_points:
        mark = "  <- chosen" if point is everyday else ""
        line = f"{point.sighan.line()} dev FA/10k={point.false_alarms_per_10k:.2f}{mark}"
        print(f"  everyday T={point.threshold:5.2f} {line}")
    note = (
        f"threshold {chosen.threshold}: the lowest with dev-prose false alarms <= {tuning.FA_TARGET_PER_10K}/10k and "
        f"SIGHAN-2015-train correction precision >= {tuning.PRECISION_TARGET} (out-of-fold); "
        f"in everyday writing {everyday.threshold}: the highest within one standard error of the best "
        f"SIGHAN-2015-train correction F1 (out-of-fold) with the same dev-prose false-alarm bound; "
        f"suspicious_below keeps {tuning.SUSPICIOUS_QUANTILE:.0%} of the training corrections"
    )
    scorer = Scorer(
        fitted.mean, fitted.scale, fitted.weights, fitted.bias, chosen.threshold, bound, note, everyday.threshold
    )
    (OUT / SCORER_FILE).write_text(scorer.to_json(), encoding="utf-8")
    print("scorer:", note)


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    data = Path(args[0]) if args else DEFAULT_DATA
    if not (data / "corpus").is_dir():
        print(f"shared data folder not found: {data}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    docs = list(corpus_docs(data))
    write_heldout(docs, OUT / "heldout.tsv")
    train14 = sighan_sentences(data / "csc" / "train14.sgml")
    train15 = sighan_sentences(data / "csc" / "train15.sgml")
    segmenter = Segmenter(user_dictionaries(ROOT / "dictionaries"))
    corpus_text = "\n".join(d.text for d in docs if d.split == "train")
    misspellings = build_misspellings(data, corpus_text, lambda w: segmenter.dictionary_tag(w, 1) is not None)
    write_misspellings(misspellings, OUT / MISSPELLINGS_FILE)
    wrong_forms = {w for w, _, _ in misspellings}
    write_protected(build_protected(data, lambda w: segmenter.dictionary_tag(w, 50), wrong_forms), OUT / PROTECTED_FILE)
    write_idioms(build_idioms(data, set(wrong_forms)), OUT / IDIOMS_FILE)
    write_confusion(build_confusion(data, train14, train15), OUT / CONFUSION_FILE)
    (OUT / REGISTER_FILE).write_text(build_register(docs, train14, train15).to_json(), encoding="utf-8")
    if "--skip-lm" not in argv:
        texts = [d.text for d in docs if d.split == "train"] + [s.corrected for s in train14] * SIGHAN_LM_WEIGHT
        print(f"language model from {len(texts):,} texts")
        write_lm(build_lm(texts), OUT / LM_FILE)
    if "--skip-fit" not in argv:
        fit_scorer(docs, train15, segmenter)
    return 0


def write_heldout(docs: list[CorpusDoc], path: Path) -> None:
    rows = [(d.split, d.corpus, d.key, len(d.text)) for d in docs if d.split != "train"]
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# documents kept out of lm.npz; format: split<TAB>corpus<TAB>key<TAB>characters\n")
        for row in rows:
            fh.write("\t".join(str(x) for x in row) + "\n")
    chars = Counter()
    for split, corpus, _key, n in rows:
        chars[f"{split}/{corpus}"] += n
    print("held out (characters):", dict(sorted(chars.items())))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
