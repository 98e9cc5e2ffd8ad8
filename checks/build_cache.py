"""Things built from dictionary files, kept between process starts so that a start loads instead of builds.

A build (the segmenter's tables, the typo model laid out for lookups) is pickled under a name and a key:
the key covers the build's input files (path, size, modification time), the source of the ``checks``
package and the library versions, so any change to data or code means a fresh build, never a stale
one. The folder must be private to the service's account (it is created with mode 0700): a pickle is
code. Without a folder, or when it cannot be written, everything is simply built in memory.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np

log = logging.getLogger(__name__)
T = TypeVar("T")
CHECKS_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """The source of every module of the checks package, and the versions of what builds depend on."""
    digest = hashlib.sha256(f"{sys.version}|{np.__version__}|{importlib.metadata.version('jieba')}".encode())
    for path in sorted(CHECKS_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(CHECKS_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


def build_key(name: str, inputs: Iterable[Path]) -> str:
    digest = hashlib.sha256(code_fingerprint())
    digest.update(name.encode())
    for path in inputs:
        stat = path.stat()
        digest.update(f"|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


class BuildCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
        """The cached build of ``name`` for these inputs, else ``build()`` (then kept for the next start)."""
        if self.folder is None:
            return build()
        path = self.folder / f"{name}-{build_key(name, inputs)}.pickle"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except FileNotFoundError:
            pass
        except Exception:  # a torn or foreign file: rebuild and replace it
            log.warning("build cache %s unreadable; rebuilding", path.name)
        value = build()
        self._store(path, name, value)
        return value

    def _store(self, path: Path, name: str, value: object) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            for old in self.folder.glob(f"{name}-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("build cache %s not written: %s", path.name, exc)
