"""Scanned pages and photos (.png, .jpg): OCR text with the pixel box of each line."""

from __future__ import annotations

import io
import warnings

from checks.attachments import errors
from checks.attachments.extracted import Extracted
from checks.attachments.limits import AttachmentLimits
from checks.attachments.ocr import recognise


def open_image(data: bytes, limits: AttachmentLimits):  # -> PIL.Image.Image
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > limits.max_pixels:
                raise errors.too_large("图片像素数", f"{limits.max_pixels // 1_000_000} 百万像素")
            image.load()
    except errors.AttachmentError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise errors.too_large("图片像素数", f"{limits.max_pixels // 1_000_000} 百万像素") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise errors.invalid("图片", str(exc)[:200]) from exc
    return image


def add_ocr_page(out: Extracted, image, file: str, page: int, limits: AttachmentLimits) -> None:
    out.new_group()
    for line in recognise(image, limits.ocr_timeout_s):
        out.add_line([(line.text, {"file": file, "page": page, "box": list(line.box), "ocr": True})])


def read_image(data: bytes, name: str, kind: str, limits: AttachmentLimits) -> Extracted:
    image = open_image(data, limits)
    out = Extracted(kind=kind, pages=1)
    add_ocr_page(out, image, name, 1, limits)
    return out
