"""Offline OCR of page images with RapidOCR (its ONNX models ship inside the package; nothing downloads).

The engine loads once per process, on first use. A page that takes longer than the limit is
abandoned with ``ocr_timeout`` rather than holding the request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from checks.attachments import errors

_engine: Any = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()  # one recognition at a time: onnxruntime already uses every core


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # x, y, width, height in pixels of the image
    score: float


def engine() -> Any:
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR()
        return _engine


def recognise(image: Any, timeout_s: float) -> list[OcrLine]:
    """Text lines of an RGB image (PIL image or numpy array), top to bottom, left to right."""
    import numpy as np

    array = np.asarray(image.convert("RGB"))[:, :, ::-1].copy() if hasattr(image, "convert") else image
    ocr = engine()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            with _run_lock:
                outcome["result"] = ocr(array)[0]
        except Exception as exc:  # reported to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="ocr", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise errors.ocr_timeout(timeout_s)
    if "error" in outcome:
        raise errors.invalid("图片", f"OCR failed: {type(outcome['error']).__name__}")
    lines = []
    for points, text, score in outcome.get("result") or []:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x, y = round(min(xs)), round(min(ys))
        box = (x, y, round(max(xs)) - x, round(max(ys)) - y)
        lines.append(OcrLine(str(text), box, float(score)))
    return sorted(lines, key=lambda line: (line.box[1] // 10, line.box[0]))
