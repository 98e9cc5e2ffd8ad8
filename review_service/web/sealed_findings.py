"""Findings about an uploaded file, carried by the workspace form between upload and save, sealed.

A .docx's hidden revisions, comments and hidden text are found when the file is read; the text the
editor then works on no longer shows them. The form keeps them in a hidden field, sealed with an
HMAC under a key derived from the service's signing key, so a saved version carries exactly what the
service found: a forged or altered field is ignored (dropping the field is no more than pasting the
text instead of uploading the file). The seal names its scope — the draft the form edits, or the new draft
of the person who uploaded — so a field taken from one draft's form cannot be replayed onto another's
(unwaivable blocks planted on a colleague's draft).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from checks.finding import Finding, Severity
from review_service.signing import KeyStore, b64url, b64url_decode

MAX_SEALED = 200_000
FIELDS = ("category", "start", "end", "severity", "message", "suggestion", "rule", "explanation", "field")


def _key(data_dir: Path) -> bytes:
    store = KeyStore(data_dir / "keys")
    private = store.private_key(store.ensure()).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"review-service file findings form").derive(
        private
    )


def scope_of(draft_id: int | None, user_id: int) -> str:
    """The form a seal belongs to: an existing draft, else the new draft of this person."""
    return f"draft:{draft_id}" if draft_id is not None else f"new:{user_id}"


def seal(data_dir: Path, findings: list[dict[str, Any]], scope: str) -> str:
    if not findings:
        return ""
    sealed = {"scope": scope, "findings": findings}
    body = json.dumps(sealed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    tag = hmac.new(_key(data_dir), body, hashlib.sha256).digest()
    return f"{b64url(body)}.{b64url(tag)}"


def unseal(data_dir: Path, sealed: str, scope: str) -> list[dict[str, Any]]:
    """The findings, or [] for an empty, altered, forged, malformed or other form's field."""
    if not sealed or len(sealed) > MAX_SEALED or sealed.count(".") != 1:
        return []
    body_part, tag_part = sealed.split(".")
    try:
        body, tag = b64url_decode(body_part), b64url_decode(tag_part)
    except ValueError:
        return []
    if not hmac.compare_digest(hmac.new(_key(data_dir), body, hashlib.sha256).digest(), tag):
        return []
    try:
        document = json.loads(body)
        if not isinstance(document, dict) or document.get("scope") != scope:
            return []
        items = document["findings"]
        return [
            Finding(**{**{k: item[k] for k in FIELDS}, "severity": Severity(item["severity"])}).to_dict()
            for item in items
        ]
    except (ValueError, KeyError, TypeError):
        return []
