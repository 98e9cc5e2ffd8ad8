"""Fingerprints of character n-grams, computed over whole arrays at once.

The builder and the check hash n-grams with this one function, so the shipped table never stores
strings: an n-gram is a 64-bit polynomial hash of its symbols, mixed with its order, of which the
table keeps 40 bits (a 32-bit sort key plus an 8-bit check byte).
"""

from __future__ import annotations

import numpy as np

MAX_ORDER = 5
_P = np.uint64(0x9E3779B97F4A7C15)
_SALT = np.uint64(0xD6E8FEB86659FD93)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_POWERS = [np.uint64(1)]
for _ in range(MAX_ORDER):
    _POWERS.append(np.uint64((int(_POWERS[-1]) * int(_P)) % (1 << 64)))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads the polynomial hash over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def suffix_hashes(windows: np.ndarray) -> list[np.ndarray]:
    """Fingerprints of the n-grams of order 1..width that end at each window's last symbol.

    ``windows`` has shape (Q, width), dtype uint64; returns ``width`` arrays of shape (Q,).
    """
    width = windows.shape[1]
    acc = np.zeros(windows.shape[0], dtype=np.uint64)
    out = []
    with np.errstate(over="ignore"):
        for k in range(1, width + 1):
            acc = acc + windows[:, width - k] * _POWERS[k - 1]
            out.append(_mix(acc + np.uint64(k) * _SALT))
    return out


def suffix_sums(windows: np.ndarray) -> np.ndarray:
    """The polynomial sums behind ``suffix_hashes``, before mixing: column ``k − 1`` is the sum for order ``k``.

    A sum is linear in each symbol, so the sum with one symbol changed is this one plus the change times that
    symbol's power (``change_term``): a caller scoring many one-symbol changes hashes each without re-summing.
    """
    width = windows.shape[1]
    sums = np.zeros(windows.shape, dtype=np.uint64)
    acc = np.zeros(windows.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(1, width + 1):
            acc = acc + windows[:, width - k] * _POWERS[k - 1]
            sums[:, k - 1] = acc
    return sums


def change_term(delta: np.ndarray, distance: int) -> np.ndarray:
    """What a sum gains when the symbol ``distance`` places before the last one grows by ``delta`` (mod 2**64)."""
    with np.errstate(over="ignore"):
        return delta * _POWERS[distance]


def fingerprint(sums: np.ndarray, order: int) -> np.ndarray:
    """The fingerprints of order-``order`` n-grams from their polynomial sums (as ``suffix_hashes`` mixes them)."""
    with np.errstate(over="ignore"):
        return _mix(sums + np.uint64(order) * _SALT)


class SuffixHashes:
    """``suffix_hashes(windows)`` one order at a time, for a shrinking set of the windows.

    A caller that climbs orders and drops the windows whose n-gram is missing hashes each longer n-gram
    only for the windows still climbing (the same values as ``suffix_hashes`` gives for those rows).
    """

    def __init__(self, windows: np.ndarray) -> None:
        self._windows = windows
        self._rows: np.ndarray | None = None  # None: every window
        self._acc = np.zeros(windows.shape[0], dtype=np.uint64)
        self._order = 0

    def order(self, k: int) -> np.ndarray:
        """Fingerprints of the order-``k`` n-grams of the kept windows (orders are asked for 1, 2, … in turn)."""
        if k != self._order + 1:
            raise ValueError("orders are hashed one after the other")
        column = self._windows[:, self._windows.shape[1] - k]
        if self._rows is not None:
            column = column[self._rows]
        with np.errstate(over="ignore"):
            self._acc = self._acc + column * _POWERS[k - 1]
            self._order = k
            return _mix(self._acc + np.uint64(k) * _SALT)

    def order_of(self, k: int, rows: np.ndarray) -> np.ndarray:
        """Fingerprints of the order-``k`` n-grams of the windows ``rows`` only (indices into the kept windows);
        the sums behind them are kept for every window, so the next order may ask for other rows."""
        if k != self._order + 1:
            raise ValueError("orders are hashed one after the other")
        column = self._windows[:, self._windows.shape[1] - k]
        if self._rows is not None:
            column = column[self._rows]
        with np.errstate(over="ignore"):
            self._acc = self._acc + column * _POWERS[k - 1]
            self._order = k
            return _mix(self._acc[rows] + np.uint64(k) * _SALT)

    def keep(self, which: np.ndarray) -> None:
        """Keep only these of the current windows (indices or a mask over them) for the next orders."""
        self._acc = self._acc[which]
        self._rows = which if self._rows is None else self._rows[which]


def split_fingerprint(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 32-bit sort key and the 8-bit check byte kept for a 64-bit fingerprint."""
    return (h >> np.uint64(32)).astype(np.uint32), ((h >> np.uint64(24)) & np.uint64(0xFF)).astype(np.uint8)


def sliding_windows(codes: np.ndarray, width: int, pad: int) -> np.ndarray:
    """Windows of ``width`` symbols ending at each symbol, the text padded on the left with ``pad``."""
    padded = np.concatenate([np.full(width - 1, pad, dtype=np.uint64), codes])
    return np.lib.stride_tricks.sliding_window_view(padded, width)
