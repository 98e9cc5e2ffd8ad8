"""Small questions the rule layers ask the character language model: is this n-gram attested, and how much
more probable does a change make the text around it.

Only the public lookups of ``CharLM`` are used, so the layers stay independent of how the model is stored.
"""

from __future__ import annotations

import numpy as np

from checks.typo.lm import CharLM
from checks.typo.ngram_hash import MAX_ORDER, suffix_hashes
from checks.typo.symbols import BOUNDARY, encode

REACH = MAX_ORDER - 1  # a change alters the log-probability of itself and the next REACH characters


def attested(lm: CharLM, grams: list[str]) -> np.ndarray:
    """For each string of 1–MAX_ORDER characters: is it an n-gram of the model (seen in formal prose)?"""
    out = np.zeros(len(grams), dtype=bool)
    by_len: dict[int, list[int]] = {}
    for k, g in enumerate(grams):
        if 1 <= len(g) <= MAX_ORDER:
            by_len.setdefault(len(g), []).append(k)
    for length, rows in by_len.items():
        windows = np.stack([encode(grams[k]) for k in rows])
        out[rows] = lm.lookup(suffix_hashes(windows)[length - 1]).found
    return out


def change_gain(lm: CharLM, text: str, start: int, replacement: str) -> float:
    """log P(text with text[start:start+len(replacement)] replaced) − log P(text), over the characters it touches."""
    end = start + len(replacement)
    lo, hi = max(0, start - REACH), min(len(text), end + REACH)
    before = text[lo:hi]
    after = text[lo:start] + replacement + text[end:hi]
    scores = _span_logprob(lm, [before, after], start - lo, len(replacement) + REACH)
    return float(scores[1] - scores[0])


def change_gains(lm: CharLM, text: str, changes: list[tuple[int, str]]) -> np.ndarray:
    """``change_gain`` for many changes at once (one model call)."""
    if not changes:
        return np.zeros(0)
    texts, firsts, counts = [], [], []
    for start, replacement in changes:
        end = start + len(replacement)
        lo, hi = max(0, start - REACH), min(len(text), end + REACH)
        texts += [text[lo:hi], text[lo:start] + replacement + text[end:hi]]
        firsts += [start - lo] * 2
        counts += [len(replacement) + REACH] * 2
    scores = _span_logprobs(lm, texts, firsts, counts)
    return scores[1::2] - scores[0::2]


def _span_logprobs(lm: CharLM, texts: list[str], firsts: list[int], counts: list[int]) -> np.ndarray:
    """Sum of log P of characters first … first+count−1 (a closing boundary past the end) of each text.

    Every text is encoded and windowed in one pass: the texts are laid end to end, each padded on the left with
    boundaries and closed by one, so no window reaches from one text into the one before."""
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    own = lengths + MAX_ORDER  # each text's symbols: padding, the text, the closing boundary
    joined = np.full(int(own.sum()), BOUNDARY, dtype=np.uint64)
    begins = np.cumsum(own) - own + (MAX_ORDER - 1)  # where each text's symbols start
    inside = np.repeat(begins - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    joined[inside] = encode("".join(texts))
    windows = np.lib.stride_tricks.sliding_window_view(joined, MAX_ORDER)
    spans = zip(begins.tolist(), firsts, counts, lengths.tolist(), strict=True)
    ends = [np.arange(b + f, b + min(f + c, n + 1)) for b, f, c, n in spans]  # the scored windows' last symbols
    sizes = [len(e) for e in ends]
    logp = lm.window_logprob(np.ascontiguousarray(windows[np.concatenate(ends) - (MAX_ORDER - 1)]))
    return np.array([chunk.sum() for chunk in np.split(logp, np.cumsum(sizes)[:-1])])


def _span_logprob(lm: CharLM, texts: list[str], first: int, count: int) -> np.ndarray:
    """``_span_logprobs`` with one first character and count for all the texts."""
    return _span_logprobs(lm, texts, [first] * len(texts), [count] * len(texts))
