"""jieba's part-of-speech HMM for runs of characters its dictionary does not know, decoded in linear time.

``jieba.posseg`` guesses words and tags for such runs with a Viterbi pass over its published
probability tables. Its decoder compares every pair of (previous, next) states through generator
tuples, which made it the largest single cost of checking a draft, and it decodes a run of any
length at once (200,000 repeated characters took minutes). This decoder gives the same path
(same scores, same tie-breaking: the higher score, then the greater state) over integer states and
plain dicts, and leaves runs longer than ``MAX_RUN`` characters to single-character words: no
real text has such runs (the longest seen in 1.5 M characters of government prose is 30), so the
results on language are unchanged and the time stays linear.

The states are (position, tag) pairs, and the tables only link B or M of a tag to M or E of the same
tag, and E or S of any tag to B or S of any tag (checked when the tables are built). A step is
therefore two small products: the E/S states of the previous character into the B/S states of the
next, and a choice between two sources (M or B of the same tag) for each M/E state. What a step needs
of each character (its states, their emissions, where their sources sit) is worked out the first
time the character is met and kept, so a step is a dozen array operations on what it reads.

Most candidate states of a character do not emit it (jieba scores them MIN_FLOAT), and a score that
has met MIN_FLOAT can never again beat one that has not (see ``ORDINARY``). So a run is first decoded
over the states that emit each character (a few dozen where a character jieba lacks from its state
table, such as a traditional form, has all 256); only a run whose every path meets MIN_FLOAT is
decoded over all candidate states.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

MAX_RUN = 200
MIN_FLOAT = -3.14e100  # jieba's score for a character a state never emits
NEG_INF = float("-inf")  # jieba's score for a transition that does not exist
# An ordinary score has never met MIN_FLOAT: a sum of a start, transitions and emissions, each above
# -LEAST_LIKELY (checked when the tables are built), so far above ORDINARY. A score that met MIN_FLOAT
# is at most MIN_FLOAT and stays so, whatever is added; anything an ordinary score leads to beats
# anything such a score leads to. So a path that ends in an ordinary state is ordinary throughout, and
# the best path, when the run ends in some ordinary state, is found over ordinary states alone.
ORDINARY = -1e80
LEAST_LIKELY = 1e3
# Step tables kept per character and kind (a few KB each; 200,000 characters of prose meet about 1,300).
MAX_KEPT_CHARACTERS = 2048


@dataclass(frozen=True, slots=True)
class _CharSteps:
    """What a Viterbi step needs of one character, as the next character and as the previous one.

    Arrays over the character's candidate states (``char_state_tab_P``, every state for a character
    it lacks): scoring never needs the set of states actually reached, because a state that was not
    reached scores -inf and can win no comparison a reached state takes part in.
    """

    size: int  # how many states
    first: np.ndarray  # scores of a run that starts with this character, -inf off its states
    cross: np.ndarray  # (its B/S states, 1): their row offsets in the E/S -> B/S transition table
    cross_states: np.ndarray  # its B/S states
    cross_emit: np.ndarray  # (its B/S states, 1): their emissions
    cross_rows: np.ndarray  # 0, 1, 2, ... over its B/S states
    inner_states: np.ndarray  # its M/E states
    inner_sources: np.ndarray  # (2, its M/E states): M then B of the same tag (greater state first)
    inner_source_list: list[list[int]]
    inner_trans: np.ndarray  # (2, its M/E states): transition from each source
    inner_emit: np.ndarray  # its M/E states' emissions
    slot: np.ndarray  # state -> index among its B/S states, then among its M/E states (-1: not its state)
    exits: np.ndarray  # its live E/S states, descending: the sources of the next B/S states
    exit_columns: np.ndarray  # their columns in the E/S -> B/S transition table
    exit_list: list[int]
    wide: bool  # a character without candidate states in jieba's tables: it may take any state


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
        self._init_step_layout(index)

    def _init_step_layout(self, index: dict[tuple[str, str], int]) -> None:
        """The E/S -> B/S transition table (a row per next state, E/S states descending) and each M/E
        state's two sources; checks that the tables link states only as the fast decoder assumes."""
        positions = [position for position, _ in self.states]
        self._exits_desc = np.array([i for i in reversed(self._all.tolist()) if positions[i] in "ES"])
        self._exit_column = np.full(len(self.states), -1)
        self._exit_column[self._exits_desc] = np.arange(len(self._exits_desc))
        self._cross = np.ascontiguousarray(self._into[:, self._exits_desc]).ravel()
        self._sources = np.array([[index["M", tag], index["B", tag]] for _, tag in self.states]).T
        rows, columns = np.nonzero(self._follows)
        for source, target in zip(rows.tolist(), columns.tolist(), strict=True):
            inner = positions[target] in "ME"
            if (inner and source not in self._sources[:, target]) or (not inner and positions[source] not in "ES"):
                raise ValueError(f"unexpected transition {self.states[source]} -> {self.states[target]}")
        finite = np.concatenate([self._into[np.isfinite(self._into)], self._start, self._emit.ravel()])
        if finite[finite != MIN_FLOAT].min() < -LEAST_LIKELY:
            raise ValueError("a probability too small for the ordinary-state argument (see ORDINARY)")
        self._descending = self._all[::-1].copy()
        if positions != sorted(positions) or set(positions) != set("BEMS"):
            raise ValueError("the states do not sort by position first")
        self._position_starts = np.array([positions.index(position) for position in "EMS"])
        self._counting = np.arange(len(self.states))
        self._is_cross = np.array([position in "BS" for position in positions])
        self._is_exit = np.array([position in "ES" for position in positions]) & self._live
        # A character without candidate states (a traditional one, say) steps into every B/S state, from
        # some exits or from every live one (its own): two tables read whole rather than gathered.
        self._wide_from = np.ascontiguousarray(self._into[self._is_cross][:, self._exits_desc])
        live_exits = self._exit_column[self._exits_desc[self._live[self._exits_desc]]]
        self._wide_from_wide = np.ascontiguousarray(self._wide_from[:, live_exits])
        self._blank = np.full(len(self.states), NEG_INF)
        self._ordinary: dict[str, _CharSteps] = {}  # step tables over ordinary states, per character
        self._every: dict[str, _CharSteps] = {}  # step tables over every candidate state, per character

    def decode(self, chars: str) -> list[int]:
        """The most likely state of each character (``len(chars) >= 1``), as ``decode_plain`` finds it.

        First over the ordinary states only (see ``ORDINARY``): when the run ends in one, the best
        path is all ordinary and found there. Otherwise over every candidate state; and a run that
        reaches none of a character's candidate states (jieba then widens that step to every
        reachable state, or fails) goes to ``decode_plain``, which does exactly that.
        """
        ordinary = [self._ordinary.get(ch) or self._char_steps(ch, self._ordinary, ordinary=True) for ch in chars]
        path = self._viterbi(ordinary) if all(step.size for step in ordinary) else None
        if path is None:
            path = self._viterbi([self._every.get(ch) or self._char_steps(ch, self._every) for ch in chars])
        return self.decode_plain(chars) if path is None else path

    def _viterbi(self, steps: list[_CharSteps]) -> list[int] | None:
        """The best path over these steps' states, or None if the run reaches none of them at some step.

        A step scores the sources it may read (the previous character's states, -inf where not
        reached) in descending state order, so ``argmax`` (the first maximum) breaks ties for the
        greater state as jieba's ``max`` over (score, state) tuples does. A step that reaches none of
        the next character's states leaves every score -inf from there on.
        """
        scores = steps[0].first
        picks: list[tuple[np.ndarray | None, np.ndarray | None]] = []
        for before, step in itertools.pairwise(steps):
            scores, cross_best, inner_best = self._advance(scores, before, step)
            picks.append((cross_best, inner_best))
        ordered = scores.take(self._descending)
        last = int(ordered.argmax())
        if ordered[last] == NEG_INF:
            return None
        return self._backtrack(steps, picks, int(self._descending[last]))

    @staticmethod
    def _backtrack(
        steps: list[_CharSteps], picks: list[tuple[np.ndarray | None, np.ndarray | None]], state: int
    ) -> list[int]:
        """The path that ends in ``state``, read back through each step's best sources."""
        path = [state]
        for k in range(len(picks) - 1, -1, -1):
            before, step = steps[k], steps[k + 1]
            cross_best, inner_best = picks[k]
            slot = step.slot.item(state)
            if slot < len(step.cross_states):
                state = before.exit_list[cross_best.item(slot)]
            else:
                slot -= len(step.cross_states)
                state = step.inner_source_list[inner_best.item(slot)][slot]
            path.append(state)
        path.reverse()
        return path

    def _advance(
        self, scores: np.ndarray, before: _CharSteps, step: _CharSteps
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Scores after one more character, with the index of the best source of each B/S and M/E state.

        The sums are jieba's: (score of the source + transition) + emission, in that order.
        """
        out = self._blank.copy()
        cross_best = inner_best = None
        if len(before.exits) and len(step.cross_states):
            sources = scores.take(before.exits)
            if step.wide:  # every B/S state: rows read whole from a table laid out ahead
                if before.wide:
                    total = self._wide_from_wide + sources
                else:
                    total = self._wide_from.take(before.exit_columns, axis=1)
                    total += sources
            else:
                total = self._cross.take(step.cross + before.exit_columns)
                total += sources
            total += step.cross_emit
            cross_best = total.argmax(axis=1)
            out[step.cross_states] = total[step.cross_rows, cross_best]
        if len(step.inner_states):
            total = scores.take(step.inner_sources)
            total += step.inner_trans
            total += step.inner_emit
            inner_best = total.argmax(axis=0)
            out[step.inner_states] = np.maximum(total[0], total[1])
        return out, cross_best, inner_best

    def _char_steps(self, ch: str, kept: dict[str, _CharSteps], *, ordinary: bool = False) -> _CharSteps:
        """The step tables of a character over its candidate states, or over its ordinary ones (the
        candidates that emit it; a start they cannot take scores -inf), kept in ``kept``."""
        if len(kept) >= MAX_KEPT_CHARACTERS:
            kept.clear()
        states = self._char_states.get(ch, self._all)
        emit = self._emit[self._emit_row.get(ch, len(self._emit) - 1)]
        first = self._blank.copy()
        if ordinary:
            states = states[emit[states] > ORDINARY]
            start = self._start[states] + emit[states]
            first[states] = np.where(start > ORDINARY, start, NEG_INF)
        else:
            first[states] = self._start[states] + emit[states]
        steps = kept[ch] = self._layout(states, emit, first, wide=not ordinary and ch not in self._char_states)
        return steps

    def _layout(self, states: np.ndarray, emit: np.ndarray, first: np.ndarray, *, wide: bool) -> _CharSteps:
        """Step tables over ``states`` (ascending, so B, E, M then S states: each position a block)."""
        e, m, s = np.searchsorted(states, self._position_starts).tolist()
        cross, inner = np.concatenate((states[:e], states[s:])), states[e:s]
        exits = np.concatenate((states[s:][::-1], states[e:m][::-1]))
        exits = exits[self._live[exits]]
        sources = self._sources[:, inner]
        slot = np.full(len(self.states), -1, dtype=np.int16)
        slot[np.concatenate((cross, inner))] = self._counting[: len(states)]
        return _CharSteps(
            size=len(states),
            first=first,
            cross=(cross * len(self._exits_desc))[:, None],
            cross_states=cross,
            cross_emit=emit[cross][:, None],
            cross_rows=self._counting[: len(cross)],
            inner_states=inner,
            inner_sources=sources,
            inner_source_list=sources.tolist(),
            inner_trans=self._into[inner, sources],
            inner_emit=emit[inner],
            slot=slot,
            exits=exits,
            exit_columns=self._exit_column[exits],
            exit_list=exits.tolist(),
            wide=wide,
        )

    def decode_plain(self, chars: str) -> list[int]:
        """The most likely state of each character, step by step over the states jieba keeps.

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
