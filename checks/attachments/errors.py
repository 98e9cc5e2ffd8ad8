"""Stable error codes for files that cannot be checked (the API maps them to its error JSON)."""

from __future__ import annotations


class AttachmentError(ValueError):
    """A file that cannot be read; ``code`` is stable, ``status`` the HTTP status it answers with."""

    def __init__(self, code: str, message: str, message_en: str, status: int = 422) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en
        self.status = status


def too_large(what: str, limit: str) -> AttachmentError:
    return AttachmentError("file_too_large", f"{what}超过上限（{limit}）", f"{what} exceeds the limit ({limit})", 413)


def invalid(kind: str, detail: str) -> AttachmentError:
    return AttachmentError(
        "file_invalid", f"文件已损坏或不是有效的 {kind} 文件", f"not a readable {kind} file ({detail})"
    )


def encrypted() -> AttachmentError:
    return AttachmentError(
        "file_encrypted", "文件已加密（设有打开密码），请取消密码保护后重新上传", "the file is password-protected"
    )


def bomb() -> AttachmentError:
    return AttachmentError(
        "file_bomb",
        "文件解压后过大或压缩比异常（疑似压缩炸弹），已拒绝",
        "decompressed size or ratio over the limit",
        413,
    )


def ocr_timeout(seconds: float) -> AttachmentError:
    return AttachmentError(
        "ocr_timeout", f"图片文字识别超过 {seconds:g} 秒仍未完成，请裁剪或降低分辨率后重试", "OCR took too long", 422
    )


def empty_file() -> AttachmentError:
    return AttachmentError("file_empty", "上传的文件为空", "the file is empty")
