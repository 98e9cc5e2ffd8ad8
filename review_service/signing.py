"""Ed25519 signing keys and publish receipts a CMS verifies offline.

Keys live in REVIEW_DATA_DIR/keys: one private key file per key id and a key set listing every
key ever used, current and retired, so rotating never invalidates a receipt already issued.
The public key set is served as a JWK set (OKP / Ed25519).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from checks.canonical import SUPPORTED_FORM_VERSIONS

RECEIPT_VERSION = 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def canonical_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class KeyStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.keyset_path = directory / "keyset.json"

    def _load(self) -> dict[str, Any]:
        if not self.keyset_path.exists():
            return {"current": None, "keys": []}
        return json.loads(self.keyset_path.read_text(encoding="utf-8"))

    def _save(self, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.keyset_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(self.keyset_path)

    def _new_key(self, data: dict[str, Any]) -> str:
        kid = f"k{dt.datetime.now(dt.UTC):%Y%m%d}-{secrets.token_hex(4)}"
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{kid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        data["keys"].append(
            {"kid": kid, "x": b64url(public), "created": dt.datetime.now(dt.UTC).isoformat(), "retired": None}
        )
        data["current"] = kid
        return kid

    def ensure(self) -> str:
        data = self._load()
        if data["current"] is None:
            self._new_key(data)
            self._save(data)
        return data["current"]

    def rotate(self) -> tuple[str | None, str]:
        data = self._load()
        old = data["current"]
        for key in data["keys"]:
            if key["kid"] == old:
                key["retired"] = dt.datetime.now(dt.UTC).isoformat()
        new = self._new_key(data)
        self._save(data)
        return old, new

    def private_key(self, kid: str) -> Ed25519PrivateKey:
        key = serialization.load_pem_private_key((self.directory / f"{kid}.pem").read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def jwks(self) -> dict[str, Any]:
        data = self._load()
        return {
            "keys": [
                {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "alg": "EdDSA",
                    "use": "sig",
                    "kid": key["kid"],
                    "x": key["x"],
                    "status": "current" if key["kid"] == data["current"] else "retired",
                    # a verifier refuses a receipt this key signed with a later issued_at
                    **({"retired_at": key["retired"]} if key["kid"] != data["current"] else {}),
                }
                for key in data["keys"]
            ]
        }

    def sign(self, payload: dict[str, Any]) -> dict[str, Any]:
        kid = self.ensure()
        body = {**payload, "kid": kid, "v": RECEIPT_VERSION}
        signature = self.private_key(kid).sign(canonical_json(body))
        return {"payload": body, "signature": b64url(signature)}


class ReceiptError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


RECEIPT_TTL = dt.timedelta(days=7)  # what the gate issues
MAX_RECEIPT_LIFETIME = RECEIPT_TTL  # what a verifier accepts: never longer than what is issued
CLOCK_SKEW = dt.timedelta(minutes=2)  # how far in the future a receipt's issued_at may be


def verify_receipt(
    receipt: dict[str, Any],
    jwks: dict[str, Any],
    *,
    now: dt.datetime | None = None,
    content_hash: str | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """Check signature, key, lifetime, expiry and (when given) content hash and channel; return the payload.

    A CMS passes the channel it publishes to: a receipt for ``internal`` never covers ``website``.
    """
    try:
        payload = receipt["payload"]
        signature = b64url_decode(receipt["signature"])
        kid = payload["kid"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ReceiptError("receipt_malformed", "回执格式不正确 / malformed receipt") from exc
    key = next((k for k in jwks.get("keys", []) if k.get("kid") == kid), None)
    if key is None:
        raise ReceiptError("unknown_key", f"未知的签名密钥 {kid} / unknown key id")
    retired: dt.datetime | None = None
    if key.get("status", "current") != "current" or key.get("retired_at") is not None:
        try:
            retired = dt.datetime.fromisoformat(key["retired_at"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ReceiptError("key_retired", f"签名密钥 {kid} 已停用 / key retired without a time") from exc
    try:
        Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"])).verify(signature, canonical_json(payload))
    except (InvalidSignature, ValueError) as exc:
        raise ReceiptError("bad_signature", "回执签名无效 / invalid signature") from exc
    now = now or dt.datetime.now(dt.UTC)
    try:
        issued = dt.datetime.fromisoformat(payload["issued_at"])
        expires = dt.datetime.fromisoformat(payload["expires_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReceiptError("receipt_malformed", "回执格式不正确 / malformed receipt") from exc
    form = payload.get("form_version", 2)  # receipts issued before form 3 do not say
    if type(form) is not int or form not in SUPPORTED_FORM_VERSIONS:
        raise ReceiptError("receipt_malformed", "回执的规范化版本不受支持 / unsupported canonical form")
    if expires - issued > MAX_RECEIPT_LIFETIME:
        raise ReceiptError("receipt_malformed", "回执有效期超出上限 / receipt lifetime too long")
    if issued > now + CLOCK_SKEW:
        raise ReceiptError("receipt_not_yet_valid", "回执签发时间晚于当前时间 / receipt issued in the future")
    if retired is not None and issued > retired:
        raise ReceiptError("key_retired", f"签名密钥 {kid} 在回执签发前已停用 / key retired before issue")
    if expires <= now:
        raise ReceiptError("receipt_expired", "回执已过期 / receipt expired")
    if channel is not None and payload.get("channel") != channel:
        raise ReceiptError("wrong_channel", "回执不适用于该发布渠道 / receipt is for another channel")
    if content_hash is not None and payload.get("content_hash") != content_hash:
        raise ReceiptError("content_mismatch", "回执与待发布内容不一致 / receipt is for other content")
    return payload
