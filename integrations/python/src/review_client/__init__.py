"""Python client of the 发布前审校 review service: check, drafts, publish gate, offline receipt checks."""

from review_client._retry import RetryPolicy
from review_client.async_client import AsyncReviewClient
from review_client.canonical import content_hash
from review_client.client import ReviewClient
from review_client.errors import ApiError, AuthError, BadResponse, ReceiptError, ReviewError, ServiceUnavailable
from review_client.models import BrowserToken, CheckResult, Draft, DraftVersion, Finding, GateResult, MaskResult
from review_client.receipts import KeySetCache, verify_receipt

__all__ = [
    "ApiError",
    "AsyncReviewClient",
    "AuthError",
    "BadResponse",
    "BrowserToken",
    "CheckResult",
    "Draft",
    "DraftVersion",
    "Finding",
    "GateResult",
    "KeySetCache",
    "MaskResult",
    "ReceiptError",
    "RetryPolicy",
    "ReviewClient",
    "ReviewError",
    "ServiceUnavailable",
    "content_hash",
    "verify_receipt",
]
