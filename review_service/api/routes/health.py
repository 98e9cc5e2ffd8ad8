"""Liveness for load balancers and the CLI's wait loop."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health", summary="服务健康检查")
def health() -> dict[str, str]:
    return {"status": "ok"}
