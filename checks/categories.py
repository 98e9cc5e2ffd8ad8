"""The public category names of findings (DESIGN.md): the contract callers filter and count by."""

from __future__ import annotations

PUBLIC_CATEGORIES: tuple[str, ...] = (
    "pii.id_card",
    "pii.phone",
    "pii.bank_card",
    "pii.email",
    "pii.passport",
    "pii.plate",
    "pii.person_name",
    "pii.address",
    "secret.marking",
    "secret.disclosure",
    "typo",
    "term.political",
    "term.banned",
    "term.outdated",
    "format.doc_number",
    "format.punctuation",
    "format.number_date",
    "metadata.missing",
    "metadata.invalid",
    "attachment.unsupported",
)
