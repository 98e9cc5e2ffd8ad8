"""Offline verification of publish receipts with the service's published key set (JWK Set, Ed25519).

A receipt is ``{"payload": {...}, "signature"}``; the signature is Ed25519 over the payload as
compact JSON with sorted keys. The key set lists current and retired keys, so a receipt signed
before a key rotation stays verifiable; a retired key carries ``retired_at``, and a receipt it
signed that claims a later ``issued_at`` is refused (``key_retired``). :class:`KeySetCache`
refetches the set when a receipt names a key id it has not seen (rate-limited, so forged key ids
cannot make it hammer the service).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from review_client.errors import ReceiptError

RECEIPT_VERSIONS = frozenset({1})
# Canonical forms whose receipts may still be valid: form 2 receipts (issued before form 3, without a
# ``form_version`` field) until they expire, form 3 from then on.
FORM_VERSIONS = frozenset({2, 3})
# The service issues receipts valid for 7 days; a longer one was not issued by it.
MAX_RECEIPT_LIFETIME = dt.timedelta(days=7)
CLOCK_SKEW = dt.timedelta(minutes=2)  # how far in the future a receipt's issued_at may be


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _canonical_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _malformed(why: str = "") -> ReceiptError:
    return ReceiptError("receipt_malformed", "回执格式不正确", f"Malformed receipt{': ' + why if why else ''}")


def receipt_form_version(receipt: Any) -> int:
    """The canonical form the receipt's content hash is computed in (2 when the receipt does not say)."""
    try:
        version = receipt["payload"].get("form_version", 2)
    except (KeyError, TypeError, AttributeError) as exc:
        raise _malformed("no payload") from exc
    if type(version) is not int or version not in FORM_VERSIONS:
        raise _malformed(f"unsupported canonical form {version!r}")
    return version


def receipt_kid(receipt: Any) -> str:
    try:
        kid = receipt["payload"]["kid"]
    except (KeyError, TypeError) as exc:
        raise _malformed("no key id") from exc
    if not isinstance(kid, str):
        raise _malformed("key id is not a string")
    return kid


def _jwk(jwks: dict[str, Any], kid: str) -> dict[str, Any]:
    key = next((k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("kid") == kid), None)
    if key is None:
        raise ReceiptError("unknown_key", f"未知的签名密钥 {kid}", f"Unknown signing key id {kid}")
    return key


def _retired_at(key: dict[str, Any], kid: str) -> dt.datetime | None:
    """When the key stopped signing: None for the current key. A retired key must say when."""
    value = key.get("retired_at")
    if value is None and key.get("status", "current") == "current":
        return None
    try:
        retired = dt.datetime.fromisoformat(value)  # type: ignore[arg-type]
        if retired.tzinfo is None:
            raise ValueError("naive timestamp")
    except (TypeError, ValueError) as exc:
        raise ReceiptError(
            "key_retired", f"签名密钥 {kid} 已停用且未注明停用时间", f"Key {kid} is retired without a retirement time"
        ) from exc
    return retired


def _public_key(key: dict[str, Any], kid: str) -> Ed25519PublicKey:
    if key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise ReceiptError("unknown_key", f"签名密钥 {kid} 不是 Ed25519 密钥", f"Key {kid} is not an Ed25519 key")
    try:
        return Ed25519PublicKey.from_public_bytes(_b64url_decode(key["x"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ReceiptError("unknown_key", f"签名密钥 {kid} 无效", f"Key {kid} is invalid") from exc


def verify_receipt(
    receipt: Any,
    jwks: dict[str, Any],
    *,
    content_hash: str | None,
    channel: str | None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Signature, key, version, lifetime, expiry, then channel and content hash; returns the payload.

    Pass the hash of what is about to be published (``review_client.canonical.content_hash``, in the
    receipt's ``receipt_form_version``) and the channel it goes out on; ``None`` skips that comparison
    (only for inspecting a receipt).
    """
    kid = receipt_kid(receipt)
    payload = receipt.get("payload")
    signature = receipt.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        raise _malformed()
    key = _jwk(jwks, kid)
    public_key = _public_key(key, kid)
    try:
        public_key.verify(_b64url_decode(signature), _canonical_json(payload))
    except (InvalidSignature, ValueError) as exc:
        raise ReceiptError("bad_signature", "回执签名无效", "Invalid receipt signature") from exc
    if payload.get("v") not in RECEIPT_VERSIONS:
        raise _malformed(f"unsupported version {payload.get('v')!r}")
    receipt_form_version(receipt)
    try:
        issued = dt.datetime.fromisoformat(payload["issued_at"])
        expires = dt.datetime.fromisoformat(payload["expires_at"])
        if issued.tzinfo is None or expires.tzinfo is None:
            raise ValueError("naive timestamp")
    except (KeyError, TypeError, ValueError) as exc:
        raise _malformed("bad timestamps") from exc
    if expires - issued > MAX_RECEIPT_LIFETIME:
        raise _malformed(f"lifetime over {MAX_RECEIPT_LIFETIME.days} days")
    now = now or dt.datetime.now(dt.UTC)
    if issued > now + CLOCK_SKEW:
        raise ReceiptError("receipt_not_yet_valid", "回执签发时间晚于当前时间", "Receipt is issued in the future")
    retired = _retired_at(key, kid)
    if retired is not None and issued > retired:
        # a retired key signs nothing: a receipt dated after its retirement was not issued by the service
        raise ReceiptError("key_retired", f"签名密钥 {kid} 在回执签发前已停用", f"Key {kid} was retired before issue")
    if expires <= now:
        raise ReceiptError("receipt_expired", "回执已过期", "Receipt expired")
    if channel is not None and payload.get("channel") != channel:
        raise ReceiptError("wrong_channel", "回执不适用于该发布渠道", "Receipt is for another channel")
    if content_hash is not None and payload.get("content_hash") != content_hash:
        raise ReceiptError("content_mismatch", "回执与待发布内容不一致", "Receipt is for other content")
    return payload


class KeySetCache:
    """The last key set fetched, kept in memory (and in ``path`` when given, to verify while offline).

    Refetch when it is older than ``max_age`` seconds, or when a receipt names an unknown key id —
    at most once per ``min_refresh`` seconds, so a stream of forged key ids costs one request.
    """

    def __init__(
        self,
        *,
        max_age: float = 3600.0,
        min_refresh: float = 30.0,
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.min_refresh = min_refresh
        self.path = path
        self.clock = clock
        self.jwks: dict[str, Any] | None = None
        self.fetched_at: float | None = None
        self.fetches = 0
        if path is not None and path.exists():
            try:
                self.jwks = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.jwks = None

    def knows(self, kid: str) -> bool:
        return any(k.get("kid") == kid for k in (self.jwks or {}).get("keys", []) if isinstance(k, dict))

    def needs_fetch(self, kid: str | None = None) -> bool:
        if self.fetched_at is None:
            return True
        age = self.clock() - self.fetched_at
        if age > self.max_age:
            return True
        return kid is not None and not self.knows(kid) and age > self.min_refresh

    def store(self, jwks: dict[str, Any]) -> None:
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise ReceiptError("keyset_malformed", "公钥集格式不正确", "The key set is malformed")
        self.jwks = jwks
        self.fetched_at = self.clock()
        self.fetches += 1
        if self.path is not None:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(jwks), encoding="utf-8")
            tmp.replace(self.path)
