"""jieba's part-of-speech HMM for runs of characters its dictionary does not know, decoded in linear time.

``jieba.posseg`` guesses words and tags for such runs with a Viterbi pass over its published
probability tables. Its decoder compares every pair of (previous, next) states through generator
tuples, which made it the largest single cost of checking a draft, and it decodes a run of any
length at once (200,000 repeated characters took minutes). This decoder gives the same path
(same scores, same tie-breaking: the higher score, then the greater state) over integer states and
plain dicts, and leaves runs longer than ``MAX_RUN`` characters to single-character words: no
real text has such runs (the longest seen in 1.5 M characters of government prose is 30), so the
results on language are unchanged and the time stays linear.
"""

from __future__ import annotations

import numpy as np

MAX_RUN = 200
MIN_FLOAT = -3.14e100  # jieba's score for a character a state never emits
NEG_INF = float("-inf")  # jieba's score for a transition that does not exist


class PosHmm:
    """The tables of ``jieba.posseg`` as arrays, states numbered in their sort order."""

    def __init__(self) -> None:
        import jieba.posseg  # its tables are large modules: imported only when this is built, not loaded

        trans_p = jieba.posseg.trans_P
        self.states: list[tuple[str, str]] = sorted(trans_p)
        index = {state: i for i, state in enumerate(self.states)}
        size = len(self.states)
        self._start = np.array([jieba.posseg.start_P[s] for s in self.states])
        trans = np.full((size, size), NEG_INF)
        for s, row in trans_p.items():
            for b, p in row.items():
                trans[index[s], index[b]] = p
        # Transposed (a row per next state) and as a mask of existing transitions: each step reads contiguous
        # rows with ``take``, several times faster than fancy indexing a column subset.
        self._into = np.ascontiguousarray(trans.T)
        self._follows = trans > NEG_INF
        self._live = np.array([bool(trans_p[s]) for s in self.states])
        # Emission log-probabilities as one matrix, a row per character (the last row: a character never
        # seen, MIN_FLOAT for every state): loads as one array and is read with one gather per step.
        emit_p = jieba.posseg.emit_P
        chars = sorted({ch for s in self.states for ch in emit_p[s]})
        self._emit_row = {ch: i for i, ch in enumerate(chars)}
        self._emit = np.full((len(chars) + 1, size), MIN_FLOAT)
        for s in self.states:
            for ch, p in emit_p[s].items():
                self._emit[self._emit_row[ch], index[s]] = p
        self._all = np.arange(size)
        self._char_states = {
            ch: np.array(sorted({index[s] for s in states})) for ch, states in jieba.posseg.char_state_tab_P.items()
        }

    def decode(self, chars: str) -> list[int]:
        """The most likely state of each character (``len(chars) >= 1``).

        Each step scores every (previous, next) pair at once; previous states are kept in
        descending order, so ``argmax`` (the first maximum) breaks ties for the greater state,
        as jieba's ``max`` over (score, state) tuples does, and a column of -inf picks the
        greatest previous state as jieba does.
        """
        unseen = len(self._emit) - 1
        first = chars[0]
        states = self._char_states.get(first, self._all)[::-1]
        scores = self._start[states] + self._emit[self._emit_row.get(first, unseen), states]
        back: list[tuple[list[int], list[int]]] = []
        for ch in chars[1:]:
            keep = self._live[states]
            prev, prev_scores = states[keep], scores[keep]
            if not len(prev):
                raise ValueError("no state can follow")  # jieba's own decoder fails here too
            reachable = self._follows.take(prev, axis=0).any(axis=0)
            candidates = self._char_states.get(ch, self._all)
            nxt = candidates[reachable[candidates]]
            if not len(nxt):  # none of the character's states can follow: every reachable one
                nxt = np.flatnonzero(reachable)
            nxt = nxt[::-1]
            # total[j, i] = (score of prev i + transition i -> next j) + emission of next j: jieba's sums
            total = self._into.take(nxt, axis=0).take(prev, axis=1)
            total += prev_scores
            total += self._emit[self._emit_row.get(ch, unseen)].take(nxt)[:, None]
            best = total.argmax(axis=1)
            scores = total[np.arange(len(nxt)), best]
            back.append((nxt.tolist(), prev.take(best).tolist()))
            states = nxt
        final = max(zip(scores.tolist(), states.tolist(), strict=True))[1]
        path = [final]
        for nxt, origin in reversed(back):
            final = origin[nxt.index(final)]
            path.append(final)
        path.reverse()
        return path

    def words(self, chars: str) -> list[tuple[str, str]]:
        """(word, tag) pairs for a run of Chinese characters, as ``jieba.posseg`` cuts them."""
        if len(chars) > MAX_RUN:
            return [(ch, "") for ch in chars]  # the caller tags single characters from its dictionary
        path = [self.states[i] for i in self.decode(chars)]
        out: list[tuple[str, str]] = []
        begin = nexti = 0
        for i, (position, tag) in enumerate(path):
            if position == "B":
                begin = i
            elif position == "E":
                out.append((chars[begin : i + 1], tag))
                nexti = i + 1
            elif position == "S":
                out.append((chars[i], tag))
                nexti = i + 1
        if nexti < len(chars):
            out.append((chars[nexti:], path[nexti][1]))
        return out
