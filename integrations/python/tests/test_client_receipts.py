"""Offline receipt checks that need a key set the service would never publish: a key retired before
the receipt says it was issued, a receipt from the future, a retired key without a retirement time.

The receipts are signed here with real Ed25519 keys (no service involved): this is what someone
holding a retired private key could produce.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from review_client import ReceiptError, content_hash, verify_receipt

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
HASH = content_hash(title="t", body="b", body_format="text")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk(private: Ed25519PrivateKey, kid: str, **extra: str) -> dict:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": b64(raw), **extra}


def receipt(private: Ed25519PrivateKey, kid: str, issued: dt.datetime) -> dict:
    payload = {
        "draft_id": 1,
        "version": 1,
        "content_hash": HASH,
        "channel": "website",
        "approvers": [],
        "issued_at": issued.isoformat(),
        "expires_at": (issued + dt.timedelta(days=7)).isoformat(),
        "kid": kid,
        "v": 1,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return {"payload": payload, "signature": b64(private.sign(data))}


OLD, NEW = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
RETIRED_AT = NOW - dt.timedelta(days=2)
KEYS = {
    "keys": [
        jwk(OLD, "k-old", status="retired", retired_at=RETIRED_AT.isoformat()),
        jwk(NEW, "k-new", status="current"),
    ]
}


def code(r: dict, keys: dict = KEYS) -> str:
    with pytest.raises(ReceiptError) as error:
        verify_receipt(r, keys, content_hash=HASH, channel="website", now=NOW)
    return error.value.code


def test_a_retired_key_verifies_what_it_signed_before_retirement_only():
    before = receipt(OLD, "k-old", RETIRED_AT - dt.timedelta(hours=1))
    assert verify_receipt(before, KEYS, content_hash=HASH, channel="website", now=NOW)["kid"] == "k-old"
    after = receipt(OLD, "k-old", RETIRED_AT + dt.timedelta(hours=1))  # a leaked retired key, dated later
    assert code(after) == "key_retired"
    assert code(receipt(OLD, "k-old", NOW - dt.timedelta(minutes=1))) == "key_retired"


def test_a_retired_key_must_say_when():
    keys = {"keys": [jwk(OLD, "k-old", status="retired"), jwk(NEW, "k-new", status="current")]}
    assert code(receipt(OLD, "k-old", RETIRED_AT - dt.timedelta(days=1)), keys) == "key_retired"
    keys = {"keys": [jwk(OLD, "k-old", status="retired", retired_at="yesterday")]}
    assert code(receipt(OLD, "k-old", RETIRED_AT - dt.timedelta(days=1)), keys) == "key_retired"


def test_a_receipt_from_the_future_is_refused_beyond_a_small_skew():
    assert code(receipt(NEW, "k-new", NOW + dt.timedelta(hours=1))) == "receipt_not_yet_valid"
    skewed = receipt(NEW, "k-new", NOW + dt.timedelta(seconds=30))  # a clock a little ahead is fine
    assert verify_receipt(skewed, KEYS, content_hash=HASH, channel="website", now=NOW)["kid"] == "k-new"


def test_an_unknown_key_id_is_refused():
    assert code(receipt(Ed25519PrivateKey.generate(), "k-other", NOW)) == "unknown_key"
