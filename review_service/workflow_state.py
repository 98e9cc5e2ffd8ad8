"""Translate the workflow engine's immutable RunState to and from the JSON stored on a draft."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from workflows.definition import Action, WorkflowDefinition, load_definitions
from workflows.state import Claim, Decision, RunState, Status, Waiver


def definitions() -> dict[str, WorkflowDefinition]:
    """The shipped definitions plus the organisation's own (REVIEW_WORKFLOWS_DIR), loaded once."""
    from review_service.config import get_settings

    extra = get_settings().workflows_dir
    return _load(str(extra) if extra else None)


@lru_cache(maxsize=4)
def _load(extra_dir: str | None) -> dict[str, WorkflowDefinition]:
    return load_definitions(*([Path(extra_dir)] if extra_dir else []))


def _dt(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def state_to_json(state: RunState) -> dict[str, Any]:
    return {
        "workflow": state.workflow,
        "author": state.author,
        "content_hash": state.content_hash,
        "status": state.status.value,
        "stage": state.stage,
        "decisions": [
            {
                "stage": d.stage,
                "actor": d.actor,
                "action": d.action.value,
                "content_hash": d.content_hash,
                "at": d.at.isoformat(),
                "comment": d.comment,
                "department": d.department,
            }
            for d in state.decisions
        ],
        "holders": [list(h) for h in state.holders],
        "claim": (
            {"actor": state.claim.actor, "stage": state.claim.stage, "until": state.claim.until.isoformat()}
            if state.claim
            else None
        ),
        "waivers": [
            {
                "finding_key": w.finding_key,
                "category": w.category,
                "actor": w.actor,
                "stage": w.stage,
                "reason": w.reason,
                "content_hash": w.content_hash,
                "at": w.at.isoformat(),
            }
            for w in state.waivers
        ],
        "countersign_departments": list(state.countersign_departments),
        "round": state.round,
        "revision": state.revision,
    }


def state_from_json(data: dict[str, Any]) -> RunState:
    claim = data.get("claim")
    return RunState(
        workflow=data["workflow"],
        author=data["author"],
        content_hash=data["content_hash"],
        status=Status(data["status"]),
        stage=data.get("stage"),
        decisions=tuple(
            Decision(
                d["stage"],
                d["actor"],
                Action(d["action"]),
                d["content_hash"],
                _dt(d["at"]),
                d.get("comment"),
                d.get("department"),
            )
            for d in data.get("decisions", [])
        ),
        holders=tuple((h[0], h[1]) for h in data.get("holders", [])),
        claim=Claim(claim["actor"], claim["stage"], _dt(claim["until"])) if claim else None,
        waivers=tuple(
            Waiver(
                w["finding_key"], w["category"], w["actor"], w["stage"], w["reason"], w["content_hash"], _dt(w["at"])
            )
            for w in data.get("waivers", [])
        ),
        countersign_departments=tuple(data.get("countersign_departments", [])),
        round=data.get("round", 0),
        revision=data.get("revision", 0),
    )
