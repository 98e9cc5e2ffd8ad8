"""The editor widget (one ES module from integrations/js/) and its demo page, served by the service.

Served from the repository's integrations/js folder so the file a CMS copies and the file the
service serves are the same file. Both are public: neither holds a secret.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from review_service.services.errors import DomainError

WIDGET_DIR = Path(__file__).resolve().parents[3] / "integrations" / "js"
router = APIRouter(prefix="/integrations/widget", tags=["integrations"], include_in_schema=False)


def _file(name: str, media_type: str) -> FileResponse:
    path = WIDGET_DIR / name
    if not path.is_file():
        raise DomainError(
            404, "widget_not_installed", "未找到编辑器插件文件（integrations/js）", "Widget file not found"
        )
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get("/review-widget.js")
def widget() -> FileResponse:
    return _file("review-widget.js", "text/javascript; charset=utf-8")


@router.get("/demo")
def demo() -> FileResponse:
    return _file("demo.html", "text/html; charset=utf-8")
