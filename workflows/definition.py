"""Workflow definitions: ordered stages as data (YAML), validated before anything runs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


class StageKind(StrEnum):
    PROOFREAD = "proofread"
    REVIEW = "review"
    COUNTERSIGN = "countersign"


class Action(StrEnum):
    SUBMIT = "submit"
    PASS = "pass"
    EDIT = "edit"
    APPROVE = "approve"
    RETURN = "return"
    CLAIM = "claim"
    RELEASE = "release"
    WITHDRAW = "withdraw"  # 撤回: the author takes a draft in review back (never a stage's action)


ALLOWED_ACTIONS = {
    StageKind.PROOFREAD: {Action.PASS, Action.EDIT, Action.RETURN},
    StageKind.REVIEW: {Action.APPROVE, Action.RETURN},
    StageKind.COUNTERSIGN: {Action.APPROVE, Action.RETURN},
}


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    label: str
    kind: StageKind
    role: str
    actions: tuple[Action, ...]
    may_waive: tuple[str, ...] = ()
    optional: bool = False  # skipped unless a draft asks for it (会签)

    @model_validator(mode="after")
    def _actions_fit_kind(self) -> Stage:
        wrong = set(self.actions) - ALLOWED_ACTIONS[self.kind]
        if wrong:
            raise ValueError(f"stage {self.key}: {self.kind} stages cannot {sorted(wrong)}")
        return self


class WorkflowDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    label: str
    channel: str
    claim_minutes: int = Field(default=30, ge=1, le=24 * 60)
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys_and_final_review(self) -> WorkflowDefinition:
        keys = [s.key for s in self.stages]
        if len(keys) != len(set(keys)):
            raise ValueError(f"workflow {self.name}: duplicate stage keys")
        if self.stages[-1].kind is not StageKind.REVIEW or self.stages[-1].optional:
            raise ValueError(f"workflow {self.name}: the final stage must be a mandatory review")
        return self

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def index_of(self, key: str) -> int:
        return [s.key for s in self.stages].index(key)

    @property
    def final_stage(self) -> Stage:
        return self.stages[-1]

    @property
    def first_review_index(self) -> int:
        return next(i for i, s in enumerate(self.stages) if s.kind is StageKind.REVIEW)


class DefinitionError(ValueError):
    pass


def load_definition(path: Path) -> WorkflowDefinition:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return WorkflowDefinition.model_validate(data)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise DefinitionError(f"{path}: {exc}") from exc


def load_definitions(*directories: Path) -> dict[str, WorkflowDefinition]:
    """Shipped definitions, then an organisation's own directories (a later file overrides by name)."""
    found: dict[str, WorkflowDefinition] = {}
    for directory in (DEFINITIONS_DIR, *directories):
        for path in sorted(directory.glob("*.yaml")):
            definition = load_definition(path)
            found[definition.name] = definition
    return found
