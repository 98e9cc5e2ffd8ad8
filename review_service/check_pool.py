"""Long checks run in a few check processes, so they never hold the API process's interpreter.

A 100,000-character check is seconds of pure-Python work; run in the API process it holds the
interpreter (the GIL), and every other request — a reviewer's queue, a login — waits for its turn.
So the API hands checks of at least ``REVIEW_CHECK_PROCESS_MIN_CHARS`` characters to a pool of
``REVIEW_CHECK_PROCESSES`` processes. Short checks (the editor typing, ≈50 ms) stay in-process: a
hop to a busy pool would queue them behind the long ones.

Each check process is started (``spawn``: a clean interpreter, safe although the API process has
threads) on the first long check — ``serve`` starts one first thing, to answer the first checks while
it starts up — builds the engine once from the build cache, and then runs at a lower CPU priority
than the API, so interactive requests win the cores. At most ``processes + queue``
long checks are admitted at once; a request past that gets ``503 check_busy`` with ``Retry-After``
at once instead of stalling (draft checks, which are already stored, wait for a slot instead).
The result is the engine's own ``CheckResult``, pickled back: the same findings as in-process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from checks import DraftInput
from checks.pipeline import CheckResult
from review_service import engines
from review_service.engines import EngineKey

if TYPE_CHECKING:
    from review_service.config import Settings

log = logging.getLogger(__name__)
WORKER_NICE = 5  # check processes yield the cores to the API's interactive requests
FIRST_ESTIMATE_S = 10.0  # Retry-After before any pooled check has finished


class CheckBusy(Exception):
    """Every check process is busy and the waiting slots are full: ``503 check_busy`` + ``Retry-After``."""

    code = "check_busy"
    status = 503

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.message_zh = f"审校服务繁忙（长文审校已排满），请 {self.retry_after} 秒后再试"
        self.message_en = f"Every check process is busy; retry after {self.retry_after} seconds"
        super().__init__(self.message_en)


class CheckProcessLost(Exception):
    """A check process died during the check (killed, out of memory): ``503 check_unavailable``."""

    code = "check_unavailable"
    status = 503
    retry_after = 1
    message_zh = "审校进程意外退出，请稍后重试"
    message_en = "The check process exited unexpectedly; retry shortly"


def characters(draft: DraftInput) -> int:
    return len(draft.body) + len(draft.title or "") + len(draft.summary or "")


def _start_worker(cache_dir: Path | None, default: EngineKey) -> None:
    """In each check process, once: build the default engine (at full priority: a starting server waits
    for it), then lower the process's priority."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the API shuts us down
    engines.use_build_cache(cache_dir)
    engines.engine_for(default)
    with contextlib.suppress(OSError):  # not permitted here: run at the same priority
        os.nice(WORKER_NICE)


def _check_in_worker(draft: DraftInput, key: EngineKey) -> CheckResult:
    return engines.engine_for(key).check(draft)


def _ready(default: EngineKey) -> bool:
    return engines.ready(default)


class CheckPool:
    """A bounded pool of check processes (``REVIEW_CHECK_PROCESSES``) for checks of at least ``min_chars``."""

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckPool:
        return cls(
            processes=settings.check_processes,
            queue=settings.check_queue,
            min_chars=settings.check_process_min_chars,
            cache_dir=settings.build_cache_dir,
            default=engines.default_key(settings.mask_style),
        )

    def __init__(
        self, *, processes: int, queue: int, min_chars: int, cache_dir: Path | None, default: EngineKey
    ) -> None:
        self.processes, self.min_chars, self.cache_dir, self.default = processes, min_chars, cache_dir, default
        self._slots = threading.BoundedSemaphore(processes + queue)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._warming: Future[bool] | None = None
        self._closed = False
        self._seconds = FIRST_ESTIMATE_S  # moving average of a pooled check, for Retry-After
        self.completed = 0

    def wants(self, draft: DraftInput) -> bool:
        return characters(draft) >= self.min_chars

    @contextmanager
    def slot(self, *, wait: bool) -> Iterator[None]:
        """One admitted long check; ``CheckBusy`` when none is free and the caller cannot wait."""
        if not self._slots.acquire(blocking=wait):
            raise CheckBusy(self._seconds)
        try:
            yield
        finally:
            self._slots.release()

    def warm(self) -> Future[bool]:
        """Start a check process now (it builds its engine); done when it can check (a server's start)."""
        self._warming = self._current().submit(_ready, self.default)
        return self._warming

    def _after_warm_up(self) -> None:
        # A check sent while the first process still starts would make the executor spawn a second
        # one (no process is idle yet), and two engine builds would share the cores the start-up needs.
        warming = self._warming
        if warming is not None and not warming.done():
            with contextlib.suppress(Exception):  # a failed warm-up shows in the check itself
                warming.result()

    def check(self, draft: DraftInput, key: EngineKey, *, wait: bool) -> CheckResult:
        with self.slot(wait=wait):
            self._after_warm_up()
            started = time.monotonic()
            executor = self._current()
            try:
                result = executor.submit(_check_in_worker, draft, key).result()
            except BrokenProcessPool as exc:
                self._replace(executor)
                raise CheckProcessLost() from exc
            with self._lock:
                self._seconds = 0.7 * self._seconds + 0.3 * (time.monotonic() - started)
                self.completed += 1
            return result

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise CheckProcessLost()
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self.cache_dir, self.default),
                )
            return self._executor

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)
        log.warning("a check process exited; the next long check starts a new pool")

    def close(self) -> None:
        """Finish the checks in flight, then stop the processes (the app's shutdown)."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_installed: list[CheckPool] = []  # the newest is in use; an app that stops restores the one before
_install_lock = threading.Lock()


def install(pool: CheckPool) -> None:
    """Make ``pool`` the process's pool for long checks (an app's start-up)."""
    with _install_lock:
        _installed.append(pool)


def uninstall(pool: CheckPool) -> None:
    """Stop ``pool`` (an app's shutdown); a pool installed before it is in use again."""
    with _install_lock:
        if pool in _installed:
            _installed.remove(pool)
    pool.close()


def installed() -> CheckPool | None:
    with _install_lock:
        return _installed[-1] if _installed else None
