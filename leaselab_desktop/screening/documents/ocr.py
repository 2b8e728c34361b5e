"""OCR of page images with rapidocr-onnxruntime (PP-OCRv4 models shipped inside its wheel).

Nothing is downloaded: the three ONNX models are package data. The engine is loaded once, lazily,
under a lock, and runs one page at a time (two cores; onnxruntime's own threads do the rest).

Per page: detection runs on a downscaled copy (the expensive part), recognition on crops of the
full-resolution image (small text stays legible). Orientation: pages whose text lines stand
upright are turned 90°, and unless the caller knows the page is upright (EXIF orientation, a PDF
page), a handful of lines go through the angle classifier to catch a page upside down. Skew: box
corners are rotated back by the median line angle, so a skewed photo yields level lines.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from leaselab_desktop.screening.documents.words import PageWords, Word

DET_MAX_SIDE = 1024  # detection input (px): ~1.0 s CPU per phone-photo page in all, vs 1.2 s at 1152
REC_MAX_SIDE = 2400  # recognition crops come from the image at most this large
MIN_SCORE = 0.5  # recogniser score below which a line is dropped (rapidocr's own default)
MAX_ASPECT = 4  # detection input is padded to at most this long:short ratio
CLS_SAMPLE = 8  # lines the angle classifier looks at to decide "upside down"
THREADS = max(1, min(4, os.cpu_count() or 1))  # onnxruntime's threads for one page (2 here)

_engine: Any = None
_engine_lock = threading.Lock()  # guards loading
_run_lock = threading.Lock()  # one page at a time: bounded memory, no contention for 2 cores


class OcrUnavailable(RuntimeError):
    """The OCR engine could not be loaded (not installed on this Python, or a broken install)."""


@dataclass
class OcrPage:
    words: PageWords
    lines: list[str] = field(default_factory=list)  # text lines, top to bottom, words left to right
    mean_confidence: float | None = None
    rotation: int = 0  # degrees the page was turned (clockwise) to read it upright
    skew_deg: float = 0.0
    seconds: float = 0.0


def engine() -> Any:
    """The shared rapidocr engine, loaded on first use (about 0.1 s)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except ImportError as exc:  # e.g. Python 3.13, for which 1.4.x has no release
                    raise OcrUnavailable(f"OCR is not installed ({exc})") from exc
                _engine = RapidOCR(
                    intra_op_num_threads=THREADS, inter_op_num_threads=1, use_cls=False,
                    print_verbose=False,
                )
    return _engine


def _scaled(img: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    import cv2

    h, w = img.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale == 1.0:
        return img, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA), scale


def _bounded_aspect(img: np.ndarray) -> np.ndarray:
    """Pad (bottom/right, so coordinates stay) a sliver to at most 4:1: the detector scales the
    short side up to 736 px, which for a 5×3000 strip would mean a 736×440,000 image."""
    import cv2

    h, w = img.shape[:2]
    short = max(h, w) // MAX_ASPECT
    pad_h, pad_w = max(0, short - h), max(0, short - w)
    if not (pad_h or pad_w):
        return img
    return cv2.copyMakeBorder(img, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)


def _detect(eng: Any, img: np.ndarray) -> list[np.ndarray]:
    """Text-line quadrilaterals (points clockwise from top-left) in ``img`` coordinates."""
    small, scale = _scaled(img, DET_MAX_SIDE)
    boxes, _ = eng.text_det(_bounded_aspect(small))
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) / scale for b in eng.sorted_boxes(boxes)]


def _edges(box: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(box[1] - box[0])), float(np.linalg.norm(box[3] - box[0]))


def _mostly_vertical(boxes: list[np.ndarray]) -> bool:
    """Text lines are wider than tall; on a page turned 90° most detected lines stand upright."""
    shaped = [_edges(b) for b in boxes]
    tall = sum(1 for w, h in shaped if h > 1.5 * w)
    wide = sum(1 for w, h in shaped if w > 1.5 * h)
    return tall > wide


def _upside_down(eng: Any, img: np.ndarray, boxes: list[np.ndarray]) -> bool:
    longest = sorted(boxes, key=lambda b: -_edges(b)[0])[:CLS_SAMPLE]
    crops = eng.get_crop_img_list(img, [b.copy() for b in longest])
    _, results, _ = eng.text_cls(crops)
    flipped = sum(1 for label, score in results if label == "180" and score > 0.8)
    return flipped > len(results) / 2


def _rotate(img: np.ndarray, degrees: int) -> np.ndarray:
    import cv2

    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(img, code[degrees]) if degrees else img


def _skew(boxes: list[np.ndarray]) -> float:
    """Median angle (degrees) of the top edges of lines that are clearly wider than tall."""
    angles = [
        math.degrees(math.atan2(float(b[1][1] - b[0][1]), float(b[1][0] - b[0][0])))
        for b in boxes
        if _edges(b)[0] > 3 * _edges(b)[1]
    ]
    return float(np.median(angles)) if angles else 0.0


def read_page(rgb: np.ndarray, page: int = 0, upright_known: bool = False) -> OcrPage:
    """OCR one page image (RGB uint8, H×W×3). Coordinates of the words are pixels of the upright,
    deskewed page, with a top-left origin."""
    start = time.perf_counter()
    eng = engine()
    img, _ = _scaled(np.ascontiguousarray(rgb[..., ::-1]), REC_MAX_SIDE)  # BGR, as rapidocr expects
    with _run_lock:
        boxes = _detect(eng, img)
        rotation = 0
        if boxes and _mostly_vertical(boxes):
            rotation = 90
            img = _rotate(img, 90)
            boxes = _detect(eng, img)
        if boxes and not upright_known and _upside_down(eng, img, boxes):
            rotation = (rotation + 180) % 360
            img = _rotate(img, 180)
            boxes = _detect(eng, img)
        recognised = eng.text_rec(eng.get_crop_img_list(img, [b.copy() for b in boxes]))[0] if boxes else []
    h, w = img.shape[:2]
    skew = _skew(boxes)
    words = PageWords(page=page, width=float(w), height=float(h), source="ocr")
    kept: list[tuple[np.ndarray, str, float]] = [
        (_deskewed(box, skew, w, h), str(res[0]).strip(), float(res[1]))
        for box, res in zip(boxes, recognised, strict=False)
        if float(res[1]) >= MIN_SCORE and str(res[0]).strip()
    ]
    for box, text, score in kept:
        words.words.extend(split_line(text, box, score, page))
    scores = [score for _, _, score in kept]
    return OcrPage(
        words=words, lines=text_lines(words.words),
        mean_confidence=round(sum(scores) / len(scores), 3) if scores else None,
        rotation=rotation, skew_deg=round(skew, 2), seconds=time.perf_counter() - start,
    )


def _deskewed(box: np.ndarray, skew: float, w: int, h: int) -> np.ndarray:
    """Axis-aligned (x0, top, x1, bottom) of the box rotated back by ``skew`` about the centre."""
    theta = math.radians(-skew)
    c, s = math.cos(theta), math.sin(theta)
    centre = np.array([w / 2.0, h / 2.0], dtype=np.float32)
    rot = np.array([[c, -s], [s, c]], dtype=np.float32)
    pts = (box - centre) @ rot.T + centre
    x0, top = np.clip(pts.min(axis=0), 0, [w, h])
    x1, bottom = np.clip(pts.max(axis=0), 0, [w, h])
    return np.array([x0, top, x1, bottom], dtype=np.float32)


def split_line(text: str, box: np.ndarray, confidence: float, page: int) -> list[Word]:
    """A recognised line as words, each box interpolated by its share of the line's characters
    (the recogniser reads whole lines; characters of one font are of similar width)."""
    x0, top, x1, bottom = (float(v) for v in box)
    n = len(text)
    out: list[Word] = []
    pos = 0
    for token in text.split():
        begin = text.index(token, pos)
        pos = begin + len(token)
        out.append(Word(
            text=token, page=page, x0=x0 + (x1 - x0) * begin / n, top=top,
            x1=x0 + (x1 - x0) * pos / n, bottom=bottom, confidence=round(confidence, 4),
        ))
    return out


def text_lines(words: list[Word]) -> list[str]:
    """Words grouped into visual lines (vertical centres within half a line height), left to
    right; a wide gap between words (a table cell) becomes two spaces."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda wd: (wd.top + wd.bottom) / 2):
        centre, height = (word.top + word.bottom) / 2, word.bottom - word.top
        if rows:
            last = rows[-1]
            last_centre = sum((x.top + x.bottom) / 2 for x in last) / len(last)
            if abs(centre - last_centre) < 0.5 * max(height, 1.0):
                last.append(word)
                continue
        rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda wd: wd.x0)
        parts = [row[0].text]
        for prev, word in itertools.pairwise(row):
            gap = word.x0 - prev.x1
            parts.append(("  " if gap > 1.5 * (prev.bottom - prev.top) else " ") + word.text)
        lines.append("".join(parts))
    return lines
