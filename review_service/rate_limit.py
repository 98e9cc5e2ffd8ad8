"""Request rate limits shared by every API process: logins per client address and username, checks per token.

A sliding one-minute log per key: at most ``limit`` hits in any ``window`` seconds. Limits are
generous by default (REVIEW_LOGIN_RATE_PER_MINUTE, REVIEW_CHECK_RATE_PER_MINUTE) so scripted
set-ups, benchmarks and a busy CMS never meet them; they stop a script that floods the argon2 login
or the check engine — whichever API process it reaches. The log lives where every process sees it:
in Redis when ``REVIEW_BROKER_URL`` names one (every machine of a deployment), else in a small
SQLite file in the data directory (every process of this machine; kept apart from the main
database so a count never waits for, or holds, the main database's write lock). Keys are stored
hashed: the log holds no user names or addresses.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60.0
MAX_KEYS = 100_000
STORE_FILE = "rate-limits.sqlite3"
PRUNE_EVERY = 1000  # hits between sweeps of every key's expired entries


class RateLimited(Exception):
    """Too many requests: answered ``429 rate_limited`` with ``Retry-After`` (whole seconds)."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: float, what: str) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.message_zh = f"{what}过于频繁，请 {self.retry_after} 秒后再试"
        self.message_en = f"Too many requests; retry after {self.retry_after} seconds"
        super().__init__(self.message_en)


class StoreUnavailable(Exception):
    """The shared log cannot be reached (Redis down, disk full): the hit is let through and logged."""


class HitStore(Protocol):
    def hit(self, key: str, limit: int, window: float, now: float) -> float | None:
        """Count one hit unless ``limit`` hits lie in ``(now - window, now]``; else the seconds to wait."""
        ...


class MemoryStore:
    """One process's log (a single process, or tests that want no shared state)."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: float, now: float) -> float | None:
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_KEYS:
                    self._forget_idle(now, window)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return hits[0] + window - now
            hits.append(now)
            return None

    def _forget_idle(self, now: float, window: float) -> None:
        idle = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - window]
        for key in idle:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:  # a flood of distinct keys: start over rather than grow
            self._hits.clear()


class SqliteStore:
    """The log in a SQLite file that every process of this machine opens; one write transaction per hit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._count = 0
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at)")

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # counts need no durability: a crash forgets a minute
            self._local.db = db
        return db

    def hit(self, key: str, limit: int, window: float, now: float) -> float | None:
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")  # one process at a time counts and adds: no two take the last slot
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc
        try:
            self._count += 1
            if self._count % PRUNE_EVERY == 0:
                db.execute("DELETE FROM hits WHERE at <= ?", (now - window,))
            else:
                db.execute("DELETE FROM hits WHERE key = ? AND at <= ?", (key, now - window))
            count, first = db.execute("SELECT count(*), min(at) FROM hits WHERE key = ?", (key,)).fetchone()
            if count < limit:
                db.execute("INSERT INTO hits (key, at) VALUES (?, ?)", (key, now))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise StoreUnavailable(str(exc)) from exc
        return first + window - now if count >= limit else None


# Count and add atomically inside Redis: trim the key's sorted set to the window, refuse when full
# (answering the wait as a string), else add this hit and let the key expire with the window.
_REDIS_HIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(first[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return false
"""


class RedisStore:
    """The log in Redis (one sorted set per key), shared by every API process of the deployment."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._script = self._client.register_script(_REDIS_HIT)

    def hit(self, key: str, limit: int, window: float, now: float) -> float | None:
        import redis

        member = f"{now:.6f}:{secrets.token_hex(4)}"
        try:
            answer = self._script(keys=[f"review:rate:{key}"], args=[now, window, limit, member])
        except redis.RedisError as exc:
            raise StoreUnavailable(str(exc)) from exc
        return float(answer) if answer is not None else None


class RateLimiter:
    """At most ``limit`` hits per key in any ``window`` seconds; ``limit`` 0 turns it off."""

    def __init__(
        self,
        limit: int,
        *,
        name: str = "hits",
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
        store: HitStore | None = None,
    ) -> None:
        self.limit, self.name, self.window, self.clock = limit, name, window, clock
        self.store = store or MemoryStore()

    def retry_after(self, key: Hashable) -> float | None:
        """Count one hit for ``key``; None when allowed, else the seconds until a slot frees up."""
        if self.limit <= 0:
            return None
        hashed = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        try:
            return self.store.hit(f"{self.name}:{hashed}", self.limit, self.window, self.clock())
        except StoreUnavailable as exc:  # a limit is a guard, not a service: an outage must not refuse work
            log.warning("rate limit store unavailable, request let through: %s", exc)
            return None

    def check(self, key: Hashable, what: str) -> None:
        wait = self.retry_after(key)
        if wait is not None:
            raise RateLimited(wait, what)


def shared_store(*, broker_url: str | None, data_dir: Path) -> HitStore:
    """Redis when the broker is Redis (the whole deployment), else the data directory's file (this machine)."""
    if broker_url and broker_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(broker_url)
    return SqliteStore(data_dir / STORE_FILE)


class Limits:
    """The limiters of one application (``app.state.limits``)."""

    def __init__(self, *, logins_per_minute: int, checks_per_minute: int, store: HitStore | None = None) -> None:
        store = store or MemoryStore()
        self.logins = RateLimiter(logins_per_minute, name="login", store=store)
        self.checks = RateLimiter(checks_per_minute, name="check", store=store)

    def login(self, client: str | None, username: str) -> None:
        self.logins.check((client or "-", username.strip().casefold()[:200]), "登录尝试")

    def check(self, token_id: int) -> None:
        self.checks.check(token_id, "审校请求")
