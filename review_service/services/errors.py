"""One family of domain errors: a stable code, an HTTP status and a Chinese and an English message.

Services raise them; the API answers them as JSON (``review_service.errors``) and the web pages as a
page or a flash message, so a rule's refusal is written once and reads the same at both front doors.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, status: int, code: str, message_zh: str, message_en: str, details: object = None) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
