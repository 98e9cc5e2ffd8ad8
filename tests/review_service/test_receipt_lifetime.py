"""Verifiers accept exactly the lifetime the service issues (7 days), not the 31 days they once did."""

from __future__ import annotations

import datetime as dt

import pytest
from review_client import receipts as client_receipts

from review_service import publish_gate
from review_service.signing import MAX_RECEIPT_LIFETIME, RECEIPT_TTL, KeyStore, ReceiptError, verify_receipt

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def _signed(keys: KeyStore, days: float, **extra: object) -> dict:
    issued = NOW - dt.timedelta(hours=1)
    return keys.sign(
        {
            "draft_id": 1,
            "version": 1,
            "content_hash": "sha256:" + "0" * 64,
            "channel": "website",
            "approvers": [],
            "issued_at": issued.isoformat(),
            "expires_at": (issued + dt.timedelta(days=days)).isoformat(),
            **extra,
        }
    )


def test_issued_and_accepted_lifetimes_are_one_figure():
    assert publish_gate.RECEIPT_TTL == RECEIPT_TTL == MAX_RECEIPT_LIFETIME == dt.timedelta(days=7)
    assert client_receipts.MAX_RECEIPT_LIFETIME == RECEIPT_TTL


@pytest.mark.parametrize(("days", "accepted"), [(7, True), (7.001, False), (31, False)])
def test_the_service_verifier_refuses_a_longer_receipt(tmp_path, days, accepted):
    keys = KeyStore(tmp_path)
    receipt = _signed(keys, days, form_version=3)
    if accepted:
        assert verify_receipt(receipt, keys.jwks(), now=NOW)["form_version"] == 3
    else:
        with pytest.raises(ReceiptError) as error:
            verify_receipt(receipt, keys.jwks(), now=NOW)
        assert error.value.code == "receipt_malformed"
        with pytest.raises(client_receipts.ReceiptError) as error:
            client_receipts.verify_receipt(receipt, keys.jwks(), content_hash=None, channel=None, now=NOW)
        assert error.value.code == "receipt_malformed"


@pytest.mark.parametrize("form", [1, 4, "3", 3.0, True])
def test_an_unknown_canonical_form_is_refused(tmp_path, form):
    keys = KeyStore(tmp_path)
    with pytest.raises(ReceiptError) as error:
        verify_receipt(_signed(keys, 7, form_version=form), keys.jwks(), now=NOW)
    assert error.value.code == "receipt_malformed"


def test_a_receipt_issued_before_form_3_says_nothing_and_is_form_2(tmp_path):
    keys = KeyStore(tmp_path)
    assert "form_version" not in verify_receipt(_signed(keys, 7), keys.jwks(), now=NOW)
