"""PDF files: the text layer line by line; pages without one (scans) go through OCR page by page."""

from __future__ import annotations

from checks.attachments import errors
from checks.attachments.extracted import Extracted
from checks.attachments.images import add_ocr_page
from checks.attachments.limits import AttachmentLimits

OCR_DPI = 150
MIN_TEXT_CHARS = 8  # fewer visible characters on a page: treat it as a scan


def read_pdf(data: bytes, name: str, limits: AttachmentLimits) -> Extracted:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise errors.encrypted() from exc
        raise errors.invalid("PDF", str(exc)[:200]) from exc
    try:
        return _read(document, name, limits)
    finally:
        document.close()


def _read(document, name: str, limits: AttachmentLimits) -> Extracted:
    import pypdfium2 as pdfium

    out = Extracted(kind="pdf", pages=len(document))
    ocr_pages = 0
    for index in range(len(document)):
        page = document[index]
        try:
            textpage = page.get_textpage()
            text = textpage.get_text_range() if textpage.count_chars() > 0 else ""
        except pdfium.PdfiumError as exc:
            raise errors.invalid("PDF", f"page {index + 1}: {exc}") from exc
        if len("".join(text.split())) >= MIN_TEXT_CHARS:
            out.new_group()
            for line_number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
                if line.strip():
                    out.add_line([(line, {"file": name, "page": index + 1, "line": line_number})])
            continue
        ocr_pages += 1
        if ocr_pages > limits.max_ocr_pages:
            raise errors.too_large("需要识别的扫描页数", f"{limits.max_ocr_pages} 页")
        width, height = page.get_size()
        scale = OCR_DPI / 72
        if width * height * scale * scale > limits.max_pixels:
            scale = (limits.max_pixels / max(width * height, 1)) ** 0.5
        image = page.render(scale=scale).to_pil()
        add_ocr_page(out, image, name, index + 1, limits)
    return out
