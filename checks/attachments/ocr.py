"""Offline OCR of page images with RapidOCR (its ONNX models ship inside the package; nothing downloads).

The engine loads once per process, on first use. A page that takes longer than the limit is
abandoned with ``ocr_timeout`` rather than holding the request.

Settings, measured with ``make bench-attachments`` (README): text detection runs on the page
scaled so its longer side is at most 1,280 px (RapidOCR's default scales the *shorter* side up to
736 px, which makes a wide page larger, not smaller); the angle classifier is skipped, since scans
and exports are upright, and the page is read again with it only when the first reading is poor
(an upside-down page reads as low-confidence noise); onnxruntime runs one thread per session with
recognition one line at a time: one recognition runs at a time per process anyway, several worker
processes use several cores, and on a busy machine a spinning thread pool loses more than it gains.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from checks.attachments import errors

_engine: Any = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()  # one recognition at a time per process

ENGINE_OPTIONS = {
    "use_cls": False,
    "det_limit_type": "max",
    "det_limit_side_len": 1280,
    "intra_op_num_threads": 1,
    "inter_op_num_threads": 1,
    "rec_batch_num": 1,
}
# Mean confidence under which a page is read again with the angle classifier (rotated lines).
RETRY_WITH_ANGLES_BELOW = 0.75


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

            _engine = RapidOCR(**ENGINE_OPTIONS)
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
                result = ocr(array)[0]
                if not result or _mean_score(result) < RETRY_WITH_ANGLES_BELOW:
                    # nothing legible (RapidOCR drops low-confidence lines) or poor: maybe upside down
                    again = ocr(array, use_cls=True)[0]
                    if again and (not result or _mean_score(again) > _mean_score(result)):
                        result = again
                outcome["result"] = result
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


def _mean_score(result: list) -> float:
    return sum(float(score) for _, _, score in result) / len(result)
