"""Candidate character changes and the evidence for each, computed for a whole text at once.

For every touchable character the confusion set proposes what the writer may have meant; the
language model scores each change by how much more probable it makes the n-grams it touches (the
"gain"), and the jieba dictionary says whether it turns a non-word into a common word. The scorer
weighs these; this module only measures, so the same code serves the check and the model fitting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checks.typo.confusion import KIND_ORDER, ConfusionSet
from checks.typo.context_groups import REACH, ContextGroups, group_by_context
from checks.typo.lm import CharLM
from checks.typo.ngram_hash import MAX_ORDER
from checks.typo.symbols import BOUNDARY, encode
from checks.typo.text_grams import Changes, TextGrams
from checks.typo.words import WordLookup

FEATURES = (
    "gain",
    "gain_clipped",
    "orig_logp",
    "next_logp",
    "cand_logp",
    "unigram_gain",
    "function_swap",
    *(f"kind_{k}" for k in KIND_ORDER),
    "log_pairs",
    "orig_word",
    "orig_token",
    "orig_single",
    "cand_word",
    "word_gain",
)
PART_CLIP = 6.0  # one n-gram may not carry a change on its own
# Grammatical characters: swapping two of them (的/地/得, 在/再, 那/哪) changes grammar more often than it fixes
# a slip, so the scorer gets to weigh such swaps on their own.
FUNCTION_CHARS = frozenset("的地得在再做作那哪象像以已于与和或及即既因应是事时就也都还又有由为而了着过个各把被给跟向")
PARTICLES = frozenset("的地得")
# The first stage of the gain (the changed character and the next): below this the change is dropped. Measured on
# the SIGHAN-2015 training corrections: 99.9 % of them stay, 9 % of all candidates do.
EARLY_PARTS = 2
EARLY_MIN = -2.0
# Before the word lookups (the slow part), drop what cannot win: the model must prefer the change.
MIN_GAIN = 1.0
_ORIG_WORD, _TOKEN = FEATURES.index("orig_word"), FEATURES.index("orig_token")
_CAND_WORD, _WORD_GAIN = FEATURES.index("cand_word"), FEATURES.index("word_gain")
WORD_COLUMNS = (_ORIG_WORD, _CAND_WORD, _WORD_GAIN)
CHUNK = 8192  # characters per batch of model queries


@dataclass(frozen=True)
class Area:
    """Where the corrector may act: the touchable characters, and how common each one's word is."""

    touchable: np.ndarray  # bool per character
    token_level: np.ndarray  # int per character: frequency bucket of its multi-character token, else 0
    char_level: np.ndarray  # int per character: frequency bucket of a one-character token as a word, else 0
    everyday: np.ndarray | None = None  # bool per character: in a paragraph of everyday (not formal) writing


@dataclass(frozen=True)
class Candidates:
    """Parallel arrays, one row per (position, intended character)."""

    pos: np.ndarray
    right: np.ndarray  # code points
    counts: np.ndarray
    kinds: np.ndarray
    gain: np.ndarray
    features: np.ndarray  # shape (n, len(FEATURES))

    def __len__(self) -> int:
        return len(self.pos)

    def take(self, rows: np.ndarray) -> Candidates:
        return Candidates(
            self.pos[rows], self.right[rows], self.counts[rows], self.kinds[rows], self.gain[rows], self.features[rows]
        )

    def at(self, pos: np.ndarray) -> Candidates:
        """The same rows placed at other positions."""
        return Candidates(pos, self.right, self.counts, self.kinds, self.gain, self.features)

    def shifted(self, offset: int) -> Candidates:
        return self.at(self.pos + offset)


def _empty() -> Candidates:
    zero = np.zeros(0, dtype=np.int64)
    return Candidates(
        zero, zero.astype(np.uint64), zero, np.zeros((0, len(KIND_ORDER)), bool), zero.astype(float),
        np.zeros((0, len(FEATURES))),
    )  # fmt: skip


def base_logprobs(lm: CharLM, text: str, at: np.ndarray | None = None) -> tuple[TextGrams, np.ndarray]:
    """The text's n-grams (with a closing boundary) and the log-probability of the window ending at each
    character and at the boundary; with ``at``, only the windows of the characters a change at those positions
    touches are scored (the rest stay 0)."""
    codes = np.concatenate([encode(text), np.array([BOUNDARY], dtype=np.uint64)])
    grams = TextGrams(lm, codes)
    if at is None:
        return grams, grams.logprob(np.arange(len(codes)))
    touched = np.zeros(len(codes), dtype=bool)
    for t in range(MAX_ORDER):
        touched[np.minimum(at + t, len(text))] = True
    needed = np.flatnonzero(touched)
    base = np.zeros(len(codes))
    base[needed] = grams.logprob(needed)
    return grams, base


def candidates(
    text: str,
    area: Area,
    lm: CharLM,
    confusion: ConfusionSet,
    words: WordLookup,
    *,
    suspicious_below: float | None = None,
) -> Candidates:
    """All scored changes where ``area`` allows them: the same rows as ``local_candidates`` over the whole text,
    computed as ``grouped_candidates`` does."""
    rows, groups = grouped_candidates(text, area, lm, confusion, words, suspicious_below=suspicious_below)
    return expand(rows, groups)


def grouped_candidates(
    text: str,
    area: Area,
    lm: CharLM,
    confusion: ConfusionSet,
    words: WordLookup,
    *,
    suspicious_below: float | None = None,
    hopeful: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[Candidates, ContextGroups]:
    """The candidates of one position per distinct context (``ContextGroups.reps``), computed in stretches of
    ``CHUNK`` characters: the cost follows the distinct contexts, not the length, and the working arrays stay
    small. ``expand`` copies the rows (or the ones that matter) to every position of their group."""
    n = len(text)
    groups = group_by_context(text, np.flatnonzero(area.touchable[:n]), area.token_level, area.char_level)
    found: list[Candidates] = []
    for a in range(0, n, CHUNK):
        b = min(n, a + CHUNK)
        reps = groups.reps[(groups.reps >= a) & (groups.reps < b)]
        if not len(reps):
            continue
        lo, hi = max(0, a - REACH), min(n, b + REACH)  # every window a candidate in a … b reads
        touchable = np.zeros(hi - lo, dtype=bool)
        touchable[reps - lo] = True
        local = Area(touchable, area.token_level[lo:hi], area.char_level[lo:hi])
        part = local_candidates(
            text[lo:hi], local, lm, confusion, words, suspicious_below=suspicious_below, hopeful=hopeful
        )
        found.append(part.shifted(lo))
    if not found:
        return _empty(), groups
    if len(found) == 1:
        return found[0], groups
    return Candidates(*(np.concatenate([getattr(p, f) for p in found]) for f in _FIELDS)), groups


def expand(rows: Candidates, groups: ContextGroups) -> Candidates:
    """``rows`` (at representative positions) copied to every position of their context group, by position."""
    if not len(rows):
        return rows
    copy, target = groups.expand(rows.pos)
    return rows.take(copy).at(target)


_FIELDS = ("pos", "right", "counts", "kinds", "gain", "features")


def local_candidates(
    text: str,
    area: Area,
    lm: CharLM,
    confusion: ConfusionSet,
    words: WordLookup,
    *,
    suspicious_below: float | None = None,
    hopeful: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Candidates:
    """All scored changes where ``area`` allows them, position by position (the plain definition).

    ``hopeful`` (optional) is asked, with the dictionary columns not yet filled, which rows may still pass; the
    others are dropped before the dictionary look-ups (the corrector passes its scorer's bound).

    A character inside a common multi-character word, or one that is a common word on its own, is rarely a slip;
    ``area`` carries both levels from the segmentation.

    ``suspicious_below`` skips positions the model already finds likely (log P of the character plus
    the next one above it): a speed filter that typos almost never pass.
    """
    n = len(text)
    positions = np.flatnonzero(area.touchable[:n])
    grams, base = base_logprobs(lm, text, positions)
    nxt = base[1 : n + 1]
    if suspicious_below is not None and len(positions):
        positions = positions[(base[positions] + nxt[positions]) < suspicious_below]
    rows = _propose(text, positions, confusion)
    if rows is None:
        return _empty()
    pos, right, kinds, counts = rows
    gain, parts, cand_logp = _gains(grams, base, pos, right)
    keep = gain > MIN_GAIN
    pos, right, kinds, counts = pos[keep], right[keep], kinds[keep], counts[keep]
    gain, parts, cand_logp = gain[keep], parts[keep], cand_logp[keep]
    features = _features(lm, text, area, base, nxt, pos, right, kinds, counts, gain, parts, cand_logp)
    if hopeful is not None and len(pos):
        # rows that cannot pass whatever the dictionary says are dropped before its look-ups (the slow part)
        keep = hopeful(features)
        pos, right, kinds, counts, gain, features = (
            pos[keep],
            right[keep],
            kinds[keep],
            counts[keep],
            gain[keep],
            features[keep],
        )
    pairs = list(zip(pos.tolist(), right.tolist(), strict=True))
    cand_word = np.array([words.best_cover(text, i, chr(c)) for i, c in pairs], dtype=float)
    # The word guard: a character inside a dictionary word (as segmented) only changes when the change makes a
    # more common word; otherwise the text most likely says something other than the model expects, not wrong.
    token = features[:, _TOKEN]
    guard = (token == 0) | (cand_word > token)
    # A particle swap (的/地/得) that fuses the new particle into a word (的面对面 → 地面) re-brackets the
    # sentence; a real particle slip leaves it standing alone.
    particles = np.array([text[i] in PARTICLES and chr(c) in PARTICLES for i, c in pairs], dtype=bool)
    guard &= ~(particles & (cand_word > 0))
    pos, right, kinds, counts, gain = pos[guard], right[guard], kinds[guard], counts[guard], gain[guard]
    features, cand_word = features[guard], cand_word[guard]
    orig_word = np.array([words.best_cover(text, i, text[i]) for i in pos.tolist()], dtype=float)
    features[:, _ORIG_WORD] = orig_word
    features[:, _CAND_WORD] = cand_word
    features[:, _WORD_GAIN] = cand_word - orig_word
    return Candidates(pos, right, counts, kinds, gain, features)


def _features(
    lm: CharLM,
    text: str,
    area: Area,
    base: np.ndarray,
    nxt: np.ndarray,
    pos: np.ndarray,
    right: np.ndarray,
    kinds: np.ndarray,
    counts: np.ndarray,
    gain: np.ndarray,
    parts: np.ndarray,
    cand_logp: np.ndarray,
) -> np.ndarray:
    """The feature matrix, with the dictionary columns (orig_word, cand_word, word_gain) still 0."""
    written = np.array([ord(text[i]) for i in pos.tolist()], dtype=np.uint64)
    function_swap = np.array(
        [
            text[i] in FUNCTION_CHARS and chr(c) in FUNCTION_CHARS
            for i, c in zip(pos.tolist(), right.tolist(), strict=True)
        ],
        dtype=float,
    )
    zero = np.zeros(len(pos))
    return np.column_stack(
        [
            gain,
            np.clip(parts, -PART_CLIP, PART_CLIP).sum(axis=1),
            base[pos],
            nxt[pos],
            cand_logp,
            lm.unigram_logprob(right) - lm.unigram_logprob(written) if len(pos) else zero,
            function_swap,
            kinds.astype(float),
            np.log1p(counts),
            zero,
            area.token_level[pos].astype(float),
            area.char_level[pos].astype(float),
            zero,
            zero,
        ]
    ).reshape(len(pos), len(FEATURES))


def _propose(
    text: str, positions: np.ndarray, confusion: ConfusionSet
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Every (position, intended character) pair the confusion set allows, with kinds and SIGHAN counts."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)[positions]
    which, rows = confusion.gather(chars)
    if not len(which):
        return None
    return positions[which].astype(np.int64), rows.codes, rows.kinds, rows.counts


def _gains(
    grams: TextGrams, base: np.ndarray, pos: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Change of log P for the MAX_ORDER characters each change touches, per candidate.

    Two stages: the changed character and the next one first; the three after that only for changes that
    did not already lose there (EARLY_MIN). A fix shows at once, so this skips most of the work. Within the
    first stage, a change whose first parts already lose whatever the next ones bring is not scored further.
    """
    parts = np.zeros((len(pos), MAX_ORDER))
    changes = Changes(grams, pos, right)
    hopeless = np.zeros(len(pos), dtype=bool)
    for t in range(EARLY_PARTS):
        if t:
            hopeless |= _early_bound(parts, base, pos, t) <= EARLY_MIN
            changes.keep(np.flatnonzero(~hopeless))
        _fill_parts(changes, base, parts)
    early = parts[:, 0]
    for t in range(1, EARLY_PARTS):
        early = early + parts[:, t]  # the sum of the first parts, but for the sign of a zero (compared only)
    promising = np.flatnonzero((early > EARLY_MIN) & ~hopeless)
    changes.keep(promising)
    for _ in range(EARLY_PARTS, MAX_ORDER):
        _fill_parts(changes, base, parts)
    gain = np.full(len(pos), -np.inf)
    gain[promising] = parts[promising].sum(axis=1)
    cand_logp = parts[:, 0] + base[pos]
    return gain, parts, cand_logp


def _early_bound(parts: np.ndarray, base: np.ndarray, pos: np.ndarray, known: int) -> np.ndarray:
    """The largest the sum of the first EARLY_PARTS parts can be, given the first ``known`` of them: a window's
    log P is at most 0, so a part at most −(the text's log P there), and 0 past the end. Added in the order the
    sum is: a rounded addition never decreases when an operand grows, so the bound holds for the rounded sum."""
    n = len(base) - 1
    bound = parts[:, 0]
    for t in range(1, EARLY_PARTS):
        target = pos + t
        part = parts[:, t] if t < known else np.where(target <= n, -base[np.minimum(target, n)], 0.0)
        bound = bound + part
    return bound


def _fill_parts(changes: Changes, base: np.ndarray, parts: np.ndarray) -> None:
    """parts[rows, t] = log P of the character at pos + t with the change, minus without, for the next offset t."""
    t = changes.offset
    rows, logp = changes.next_window()
    parts[rows, t] = logp - base[changes.pos[rows] + t]
