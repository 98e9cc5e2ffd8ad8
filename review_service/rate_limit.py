"""Per-process request rate limits: logins per client address and username, checks per token.

A sliding one-minute log per key. Limits are generous by default (REVIEW_LOGIN_RATE_PER_MINUTE,
REVIEW_CHECK_RATE_PER_MINUTE) so scripted set-ups, benchmarks and a busy CMS never meet them; they
stop a script that floods the argon2 login or the check engine. Each API process counts on its
own, so N processes allow N times the figure.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

WINDOW_SECONDS = 60.0
MAX_KEYS = 100_000


class RateLimited(Exception):
    """Too many requests: answered ``429 rate_limited`` with ``Retry-After`` (whole seconds)."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: float, what: str) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.message_zh = f"{what}过于频繁，请 {self.retry_after} 秒后再试"
        self.message_en = f"Too many requests; retry after {self.retry_after} seconds"
        super().__init__(self.message_en)


class RateLimiter:
    """At most ``limit`` hits per key in any ``window`` seconds; ``limit`` 0 turns it off."""

    def __init__(
        self, limit: int, *, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: Hashable) -> float | None:
        """Count one hit for ``key``; None when allowed, else the seconds until a slot frees up."""
        if self.limit <= 0:
            return None
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_KEYS:
                    self._forget_idle(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for key in idle:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:  # a flood of distinct keys: start over rather than grow
            self._hits.clear()

    def check(self, key: Hashable, what: str) -> None:
        wait = self.retry_after(key)
        if wait is not None:
            raise RateLimited(wait, what)


class Limits:
    """The limiters of one application (``app.state.limits``)."""

    def __init__(self, *, logins_per_minute: int, checks_per_minute: int) -> None:
        self.logins = RateLimiter(logins_per_minute)
        self.checks = RateLimiter(checks_per_minute)

    def login(self, client: str | None, username: str) -> None:
        self.logins.check((client or "-", username.strip().casefold()[:200]), "登录尝试")

    def check(self, token_id: int) -> None:
        self.checks.check(token_id, "审校请求")
