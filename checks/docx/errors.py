"""Why a file cannot be read as a .docx: one exception with a stable code for the API's error JSON."""

from __future__ import annotations


class DocxError(ValueError):
    """A file that cannot be read as a .docx; ``code`` is stable for the API's error JSON."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en


def invalid(detail: str) -> DocxError:
    return DocxError("docx_invalid", "文件不是有效的 Word .docx 文档，请用 Word 另存为 .docx 后重新上传", detail)


def too_large(detail: str = "") -> DocxError:
    return DocxError(
        "docx_too_large",
        "文档解压后过大、压缩比异常或条目过多（疑似压缩炸弹），无法处理",
        "the document is too large once uncompressed" + (f" ({detail})" if detail else ""),
    )


def encrypted() -> DocxError:
    return DocxError(
        "docx_encrypted",
        "文档已加密（设有打开密码），请取消密码保护后重新上传",
        "the document is password-protected",
    )
