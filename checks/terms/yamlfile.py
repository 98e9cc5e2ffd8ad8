"""Read one YAML data file into a pydantic model; any problem raises ValueError naming file and line.

A dictionary is edited by hand, so a mistake must stop the engine at startup with a message that
points at the line to fix, instead of silently disabling a rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from checks.yaml_lines import line_of

M = TypeVar("M", bound=BaseModel)


class DictionaryError(ValueError):
    """A term dictionary is malformed; the message starts with ``file:line``."""


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the files are read at every startup


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text, so that pydantic validates them and the error keeps its line."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def where(path: Path, root: yaml.Node | YamlLines | None, loc: tuple[int | str, ...]) -> str:
    if isinstance(root, YamlLines):
        root = root.node()
    line = line_of(root, loc)
    return f"{path}:{line}" if line else str(path)


def load_model(path: Path, model: type[M]) -> tuple[M, YamlLines]:
    """Parse and validate ``path``; returns the model and the YAML node tree (for later line lookups)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DictionaryError(f"{path}: cannot read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DictionaryError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(data), YamlLines(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        root = yaml.compose(text, Loader=_Loader)
        raise DictionaryError(f"{where(path, root, loc)}: {'.'.join(map(str, loc)) or 'file'}: {first['msg']}") from exc


class YamlLines:
    """The YAML node tree of a file, composed only when a later check needs a line number."""

    def __init__(self, text: str) -> None:
        self.text = text

    def node(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=_Loader)
