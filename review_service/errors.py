"""One error shape for the whole API: a stable code plus a Chinese and an English message."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from review_service.check_pool import CheckBusy, CheckProcessLost
from review_service.rate_limit import RateLimited
from review_service.services.errors import DomainError
from review_service.text_limit import TextTooLong

log = logging.getLogger(__name__)


def error_body(code: str, zh: str, en: str, details: object = None) -> dict[str, object]:
    body: dict[str, object] = {"code": code, "message": {"zh": zh, "en": en}}
    if details is not None:
        body["details"] = details
    return body


def _json_error(status: int, code: str, zh: str, en: str, details: object = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(code, zh, en, details), status_code=status, headers=headers)


_HTTP_CODES = {
    400: (
        "invalid_json",
        "请求体无法解析（须为 UTF-8 编码的 JSON 或表单）",
        "Request body could not be parsed (UTF-8 JSON)",
    ),
    404: ("not_found", "请求的地址不存在", "Not found"),
    405: ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
    413: ("payload_too_large", "请求体过大", "Request body too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "Unsupported media type"),
}


_FIELD_ERRORS = {
    "channel": "发布渠道无效，可选 website、new_media、internal",
    "doc_type": "文档类型无效，可选 normative、notice、publicity、news、interpretation、reply、other",
    "doc_date": "文档日期须为 YYYY-MM-DD 格式的有效日期",
    "format": "格式无效，可选 text 或 html",
    "text": "正文 text 缺失或类型错误（须为字符串）",
    "file": "缺少上传的文件（表单字段 file）",
    "user": "用户名 user 缺失或无效（1 至 100 个字符）",
    "ttl_seconds": "有效期 ttl_seconds 须为 30 至 3600 之间的整数（秒）",
}


def _field_path(error: object) -> str:
    """``metadata.colour`` for an error at ("body", "metadata", "colour"): the field as the caller wrote it."""
    loc = [str(part) for part in error.get("loc", ())]  # type: ignore[attr-defined]
    return ".".join(loc[1:] if loc and loc[0] in ("body", "query", "form") else loc)


def _validation_details(exc: RequestValidationError) -> tuple[str, str, str, list[dict[str, object]]]:
    errors = exc.errors()
    details = [{"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg")} for e in errors]
    types = {e.get("type") for e in errors}
    if "json_invalid" in types:
        return (
            "invalid_json",
            "请求体不是有效的 JSON（须为 UTF-8 编码）",
            "Request body is not valid UTF-8 JSON",
            details,
        )
    unexpected = sorted({_field_path(e) for e in errors if e.get("type") == "extra_forbidden"})
    if unexpected:  # named first: a field this endpoint does not take is the caller's real mistake
        names = "、".join(unexpected)
        return (
            "unexpected_field",
            f"请求中有该接口不接受的字段：{names}",
            f"Unexpected field(s) for this endpoint: {', '.join(unexpected)}",
            details,
        )
    fields = {str(part) for e in errors for part in e.get("loc", ())}
    for name, zh in _FIELD_ERRORS.items():
        if name in fields:
            return f"invalid_{name}", zh, f"Invalid value for '{name}'", details
    return "invalid_request", "请求参数不符合要求", "Request parameters are invalid", details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _api_error(_: Request, exc: DomainError) -> JSONResponse:
        return _json_error(exc.status, exc.code, exc.message_zh, exc.message_en, exc.details)

    @app.exception_handler(RateLimited)
    @app.exception_handler(CheckBusy)
    @app.exception_handler(CheckProcessLost)
    async def _retry_later(_: Request, exc: RateLimited | CheckBusy | CheckProcessLost) -> JSONResponse:
        response = _json_error(exc.status, exc.code, exc.message_zh, exc.message_en, {"retry_after": exc.retry_after})
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(TextTooLong)
    async def _too_long(_: Request, exc: TextTooLong) -> JSONResponse:
        return _json_error(exc.status, exc.code, exc.message_zh, exc.message_en, {"limit": exc.limit})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        code, zh, en, details = _validation_details(exc)
        return _json_error(422, code, zh, en, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP_CODES.get(exc.status_code, ("http_error", "请求无法处理", str(exc.detail)))
        return _json_error(exc.status_code, code, zh, en)

    @app.exception_handler(IntegrityError)
    async def _conflict(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity conflict: %s", exc)
        return _json_error(
            409, "stale", "稿件已被他人处理，请刷新后重试", "The data changed meanwhile; reload and retry"
        )

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        return _json_error(
            422,
            "invalid_characters",
            "内容含有无法保存的字符（如空字符）",
            "Text contains characters that cannot be stored",
        )

    @app.exception_handler(UnicodeError)
    async def _unicode(_: Request, exc: UnicodeError) -> JSONResponse:
        return _json_error(422, "invalid_characters", "内容含有无效的 Unicode 字符", "Text contains invalid Unicode")

    @app.exception_handler(OperationalError)
    async def _database(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return _json_error(503, "database_busy", "数据库暂时不可用，请稍后重试", "Database temporarily unavailable")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _json_error(500, "internal_error", "服务内部错误，请稍后重试", "Internal server error")
