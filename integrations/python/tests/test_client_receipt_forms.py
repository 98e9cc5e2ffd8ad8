"""Receipts of canonical forms 2 and 3, and the accepted lifetime (what the service issues, 7 days).

A receipt issued before form 3 has no ``form_version`` and names a form-2 hash: the client hashes
the content to publish in the receipt's form, so such receipts verify until they expire. Signed
here with a real Ed25519 key; no service involved.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from review_client import KeySetCache, ReceiptError, ReviewClient, content_hash
from review_client.receipts import MAX_RECEIPT_LIFETIME

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
KEY = Ed25519PrivateKey.generate()
PAGE = {"title": "通知", "body": '<p class=" lead ">正文</p>', "format": "html"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(content_hash_: str, *, form: int | None, days: float = 7) -> dict:
    payload = {
        "draft_id": 1,
        "version": 1,
        "content_hash": content_hash_,
        "channel": "website",
        "approvers": [],
        "issued_at": (NOW - dt.timedelta(days=1)).isoformat(),
        "expires_at": (NOW - dt.timedelta(days=1) + dt.timedelta(days=days)).isoformat(),
        "kid": "k1",
        "v": 1,
        **({"form_version": form} if form is not None else {}),
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return {"payload": payload, "signature": b64(KEY.sign(data))}


@pytest.fixture
def client():
    raw = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    keys = KeySetCache()
    keys.store({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": b64(raw), "status": "current"}]})
    with ReviewClient("http://127.0.0.1:9", keys=keys) as c:  # never contacted: the key set is cached
        yield c


def form(version: int, **page: str) -> str:
    p = {**PAGE, **page}
    return content_hash(title=p["title"], body=p["body"], body_format=p["format"], form_version=version)


def test_a_form_2_receipt_issued_before_form_3_still_verifies(client):
    payload = client.verify_receipt(sign(form(2), form=None), channel="website", now=NOW, **PAGE)
    assert payload["content_hash"] == form(2) != form(3)


def test_a_form_3_receipt_verifies_and_form_2_content_does_not_pass_as_form_3(client):
    assert client.verify_receipt(sign(form(3), form=3), channel="website", now=NOW, **PAGE)["form_version"] == 3
    with pytest.raises(ReceiptError) as error:
        client.verify_receipt(sign(form(2), form=3), channel="website", now=NOW, **PAGE)
    assert error.value.code == "content_mismatch"


def test_form_3_tells_apart_what_form_2_confused(client):
    # form 2 trimmed attribute values: for it the padded class is the same page, for a browser it is not
    trimmed = {"body": '<p class="lead">正文</p>'}
    assert form(2, **trimmed) == form(2)
    client.verify_receipt(sign(form(2), form=None), channel="website", now=NOW, **{**PAGE, **trimmed})
    with pytest.raises(ReceiptError) as error:
        client.verify_receipt(sign(form(3), form=3), channel="website", now=NOW, **{**PAGE, **trimmed})
    assert error.value.code == "content_mismatch"


@pytest.mark.parametrize("bad", [1, 4, "3", None, 3.0])
def test_an_unknown_form_is_malformed(client, bad):
    receipt = sign(form(3), form=3)
    receipt["payload"]["form_version"] = bad
    with pytest.raises(ReceiptError) as error:
        client.verify_receipt(receipt, channel="website", now=NOW, **PAGE)
    assert error.value.code == "receipt_malformed"


def test_the_accepted_lifetime_is_what_the_service_issues(client):
    assert dt.timedelta(days=7) == MAX_RECEIPT_LIFETIME
    with pytest.raises(ReceiptError) as error:
        client.verify_receipt(sign(form(3), form=3, days=7.01), channel="website", now=NOW, **PAGE)
    assert error.value.code == "receipt_malformed"
    with pytest.raises(ReceiptError) as error:
        client.verify_receipt(sign(form(3), form=3, days=31), channel="website", now=NOW, **PAGE)
    assert error.value.code == "receipt_malformed"
