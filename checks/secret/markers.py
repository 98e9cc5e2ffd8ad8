"""The confidentiality-marker dictionary: loaded once per engine build and validated.

The vocabulary is data (dictionaries/secret_markers.yaml) so that an administrator can add an
internal-use phrase without touching code; a malformed entry must fail loudly at startup, naming
the file and line, rather than silently disable a 保密关 rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from checks.yaml_lines import line_of

FILE_NAME = "secret_markers.yaml"
CLASSIFICATION_LEVELS = frozenset({"绝密", "机密", "秘密"})
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")


class MarkerEntry(BaseModel):
    """One internal-use phrase or label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=2, max_length=8)
    kind: Literal["phrase", "label"]
    note: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _han_only(cls, value: str) -> str:
        if not _HAN_ONLY.fullmatch(value):
            raise ValueError(f"text must be Chinese characters only: {value!r}")
        return value


def _words(values: list[str], what: str) -> list[str]:
    for value in values:
        if not value or not value.strip() or value != value.strip():
            raise ValueError(f"empty or padded {what}: {value!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"duplicate {what}")
    return values


class MarkerDictionary(BaseModel):
    """The whole file; see its header for the meaning of each key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    levels: list[str] = Field(min_length=1)
    markers: list[MarkerEntry] = Field(min_length=1)
    self_references: list[str] = Field(min_length=1)
    self_reference_blockers: list[str] = Field(default_factory=list)
    negative_contexts: list[str] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, value: list[str]) -> list[str]:
        unknown = set(value) - CLASSIFICATION_LEVELS
        if unknown:
            raise ValueError(f"unknown classification levels: {sorted(unknown)}")
        return _words(value, "level")

    @field_validator("self_references", "self_reference_blockers", "negative_contexts")
    @classmethod
    def _clean_words(cls, value: list[str]) -> list[str]:
        return _words(value, "word")

    @model_validator(mode="after")
    def _unique_markers(self) -> MarkerDictionary:
        for attr in ("id", "text"):
            seen: set[str] = set()
            for entry in self.markers:
                key = getattr(entry, attr)
                if key in seen:
                    raise ValueError(f"duplicate marker {attr}: {key!r}")
                seen.add(key)
        return self

    def entries(self, kind: str) -> tuple[MarkerEntry, ...]:
        return tuple(e for e in self.markers if e.kind == kind)


def load_markers(path: Path) -> MarkerDictionary:
    """Read and validate the marker dictionary; any problem raises ValueError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read marker dictionary: {exc}") from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    try:
        return MarkerDictionary.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        line = line_of(root, loc)
        where = f"{path}:{line}" if line else str(path)
        raise ValueError(f"{where}: {'.'.join(map(str, loc)) or 'file'}: {first['msg']}") from exc
