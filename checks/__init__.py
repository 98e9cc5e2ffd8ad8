"""The check engine: pure functions from draft text to findings (no I/O, no database)."""

from checks.document import Document, DraftInput
from checks.engine import CheckEngine, EngineConfig, build_engine
from checks.finding import Finding, Severity
from checks.metadata import Channel, DocType, Metadata

__all__ = [
    "Channel",
    "CheckEngine",
    "DocType",
    "Document",
    "DraftInput",
    "EngineConfig",
    "Finding",
    "Metadata",
    "Severity",
    "build_engine",
]
