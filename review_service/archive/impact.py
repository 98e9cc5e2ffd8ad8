"""Which archived pages can a dictionary change affect?

Every re-checked page remembers the dictionary snapshot it was checked with: a digest of the
shipped dictionaries and check code, plus the organisation's own entries. Between two snapshots:

- same digest: nothing changed, no page needs checking again;
- shipped files or check code changed: we cannot tell which pages are affected (a new model, a
  changed rule or a new protected name can fire anywhere), so every page is checked, and we say so;
- only organisation entries changed: an entry (wording, outdated name or allow-list text) can
  only change findings where its text occurs, so a page is affected exactly when it contains the
  old or new text of an added, removed or edited entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import checks
from checks.engine import DEFAULT_DICTIONARIES
from checks.normalize import normalize
from checks.pycorrector_data import pycorrector_file
from checks.terms.confusables import SAME_PINYIN, SAME_STROKE
from review_service.models import ArchiveDocument, DictionarySnapshot
from review_service.org_dictionary import active_entries

CHECKS_DIR = Path(checks.__file__).resolve().parent
_SPACE = re.compile(r"\s+")


# Third-party packages whose data or models decide findings (word segmentation, PII, confusables).
THIRD_PARTY = ("jieba", "presidio-analyzer", "pycorrector")


def third_party() -> dict[str, str]:
    """Installed versions of the packages the engine relies on, and digests of the pycorrector data it reads."""
    found: dict[str, str] = {}
    for name in THIRD_PARTY:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    for name in (SAME_PINYIN, SAME_STROKE):
        try:
            found[f"pycorrector/data/{name}"] = hashlib.sha256(pycorrector_file(name).read_bytes()).hexdigest()
        except OSError:
            found[f"pycorrector/data/{name}"] = "absent"
    return found


@lru_cache(maxsize=1)
def shipped_digest() -> str:
    """SHA-256 over the shipped dictionaries, the check engine's code (path and bytes) and third-party data."""
    digest = hashlib.sha256()
    for root, pattern in ((DEFAULT_DICTIONARIES, "*"), (CHECKS_DIR, "*.py")):
        for path in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(json.dumps(third_party(), sort_keys=True).encode())
    return digest.hexdigest()


def current_snapshot(session: Session) -> DictionarySnapshot:
    """The snapshot the checks use now (created on first sight, shared by every page checked with it)."""
    entries = [{"id": e.id, "kind": e.kind, "text": e.text, "data": e.data} for e in active_entries(session)]
    shipped = shipped_digest()
    digest = hashlib.sha256(json.dumps([shipped, entries], ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    snapshot = session.scalar(select(DictionarySnapshot).where(DictionarySnapshot.digest == digest))
    if snapshot is None:
        snapshot = DictionarySnapshot(digest=digest, shipped=shipped, entries=entries)
        session.add(snapshot)
        session.flush()
    return snapshot


@dataclass(frozen=True)
class Impact:
    """``needles`` None: cannot tell, check everything; empty: nothing can change; else: pages containing one."""

    needles: frozenset[str] | None
    reason: str


def impact_between(old: DictionarySnapshot, new: DictionarySnapshot) -> Impact:
    if old.digest == new.digest:
        return Impact(frozenset(), "词库与检查程序均未变化")
    if old.shipped != new.shipped:
        return Impact(None, "内置词库或检查程序已更新，无法判断影响范围，须全部复查")
    before = {e["id"]: e for e in old.entries}
    after = {e["id"]: e for e in new.entries}
    changed = [e for i, e in after.items() if before.get(i) != e] + [e for i, e in before.items() if after.get(i) != e]
    needles = frozenset(_fold(e["text"]) for e in changed if _fold(e["text"]))
    words = "、".join(sorted({e["text"] for e in changed}))
    return Impact(needles, f"本单位词库变更 {len(changed)} 处（{words}），只复查含有这些词语的页面")


def _fold(text: str) -> str:
    """The engine's folding (full-width to ASCII, entities, odd spaces) without whitespace."""
    return _SPACE.sub("", normalize(text, is_html=False).text)


def page_text(doc: ArchiveDocument) -> str:
    return _fold(doc.title) + "\n" + _fold(normalize(doc.body, is_html=doc.body_format == "html").text)


def mentions(doc: ArchiveDocument, needles: frozenset[str]) -> bool:
    text = page_text(doc)
    return any(n in text for n in needles)
