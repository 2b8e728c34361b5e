"""The OCR engine's own parts: DB post-processing geometry, crops, model discovery, and that the
whole pipeline runs without OpenCV or rapidocr's Python code."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from leaselab_desktop.screening.documents import ocr, ocr_models
from leaselab_desktop.screening.documents.ocr_boxes import (
    MIN_SIZE,
    _labels,
    _runs,
    _too_thin,
    boxes_from_map,
    crop,
    min_area_rect,
    reading_order,
)

ROOT = Path(__file__).resolve().parents[3]


def _bar(prob: np.ndarray, centre: tuple[float, float], length: float, thick: float, deg: float) -> None:
    """Paint a rotated bar of probability 0.9 onto the map."""
    canvas = Image.new("L", (prob.shape[1], prob.shape[0]), 0)
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    half = [(-length / 2, -thick / 2), (length / 2, -thick / 2), (length / 2, thick / 2), (-length / 2, thick / 2)]
    ImageDraw.Draw(canvas).polygon([(centre[0] + x * c - y * s, centre[1] + x * s + y * c) for x, y in half], fill=1)
    prob[np.asarray(canvas, dtype=bool)] = 0.9


def test_min_area_rect_of_a_rotated_rectangle() -> None:
    angle = math.radians(20)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners = np.array([[0, 0], [100, 0], [100, 10], [0, 10]], dtype=np.float64) @ rot.T + [50, 60]
    inside = np.random.default_rng(0).uniform([0, 0], [100, 10], (200, 2)) @ rot.T + [50, 60]
    found, short = min_area_rect(np.vstack([corners, inside]))
    assert short == pytest.approx(10, abs=1e-6)
    assert sorted(map(tuple, found.round(6).tolist())) == sorted(map(tuple, corners.round(6).tolist()))


def test_min_area_rect_of_degenerate_point_sets() -> None:
    assert min_area_rect(np.array([[3, 4]]))[1] == 0
    assert min_area_rect(np.array([[0, 0], [10, 0], [20, 0]]))[1] == 0  # a straight line


def test_regions_skipped_as_too_thin_are_ones_the_rectangle_fit_would_drop() -> None:
    """Random regions of the map (tilted strokes, blobs, diagonals) 1 to 40 px long: every one
    ``_too_thin`` skips has a minimum-area rectangle with a short side under ``MIN_SIZE``, and
    thin ones exist among them (the check does skip)."""
    rng = np.random.default_rng(11)
    skipped = 0
    for _ in range(3000):
        prob = np.zeros((48, 48), dtype=np.float32)
        _bar(prob, (24 + rng.uniform(-3, 3), 24 + rng.uniform(-3, 3)), rng.uniform(1, 40), rng.uniform(0.5, 4),
             rng.uniform(0, 180))
        rows, starts, ends = _runs(prob > 0.3)
        if len(rows) == 0:
            continue
        labels = _labels(rows, starts, ends, prob.shape[1])
        for label in np.unique(labels):
            sel = labels == label
            if not _too_thin(rows[sel], starts[sel], ends[sel]):
                continue
            skipped += 1
            pts = np.concatenate([np.stack([starts[sel], rows[sel]], 1), np.stack([ends[sel] - 1, rows[sel]], 1)])
            assert min_area_rect(pts)[1] < MIN_SIZE
    assert skipped > 300


def test_boxes_from_map_finds_separate_level_and_tilted_lines() -> None:
    prob = np.zeros((200, 300), dtype=np.float32)
    _bar(prob, (80, 40), 120, 12, 0)
    _bar(prob, (200, 120), 150, 14, 15)
    prob[180:182, 10:12] = 0.9  # a speck: shorter than the minimum size, dropped
    boxes = reading_order(boxes_from_map(prob, 600, 400))  # the image is twice the map's size
    assert len(boxes) == 2
    level, tilted = boxes
    assert level[0][0] < level[1][0] and level[0][1] < level[3][1]  # clockwise from top-left
    assert abs(level[0][1] - level[1][1]) <= 2  # level: top edge horizontal
    assert abs((level[0][0] + level[2][0]) / 2 - 160) < 4  # its centre, in the image twice as large
    assert 230 < level[1][0] - level[0][0] < 320  # 120 px bar, unclipped, ×2
    angle = math.degrees(math.atan2(tilted[1][1] - tilted[0][1], tilted[1][0] - tilted[0][0]))
    assert 12 < angle < 18


def test_regions_join_across_corners_and_split_at_gaps() -> None:
    """8-connectivity, as OpenCV's contours: pixels touching at a corner are one region."""
    mask = np.zeros((40, 40), dtype=bool)
    mask[5:10, 5:10] = True
    mask[10:15, 10:15] = True  # meets the first at one corner
    mask[5:8, 20:30] = True  # a gap of 10 columns: its own region
    mask[20:30, 5] = mask[20:30, 7] = True  # two columns one pixel apart: two regions
    mask[30, 5:8] = True  # ... joined at the bottom into one U
    rows, starts, ends = _runs(mask)
    labels = _labels(rows, starts, ends, mask.shape[1])
    assert len(set(labels.tolist())) == 3
    assert int((ends - starts).sum()) == int(mask.sum())


def test_low_probability_regions_are_dropped() -> None:
    prob = np.zeros((60, 200), dtype=np.float32)
    prob[10:30, 10:150] = 0.35  # above the pixel threshold, below the box score
    assert boxes_from_map(prob, 200, 60) == []
    assert boxes_from_map(np.zeros((40, 40), dtype=np.float32), 40, 40) == []


def test_crop_straightens_a_tilted_quad_and_stands_vertical_text_up() -> None:
    img = Image.new("RGB", (300, 300), "white")
    quad = np.array([[50, 100], [250, 140], [244, 170], [44, 130]], dtype=np.float32)
    ImageDraw.Draw(img).polygon([tuple(p) for p in quad.tolist()], fill="black")
    out = crop(img, quad)
    assert 195 <= out.width <= 210 and 25 <= out.height <= 35
    assert np.asarray(out.convert("L"))[3:-3, 3:-3].mean() < 40  # all of it is the black bar
    tall = crop(img, np.array([[10, 10], [30, 10], [30, 110], [10, 110]], dtype=np.float32))
    assert tall.width > tall.height  # turned a quarter to read


def test_missing_models_say_ocr_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_models, "resources_dir", lambda: tmp_path)  # no ocr/ folder in it
    monkeypatch.setattr(ocr_models, "_wheel_model_dirs", lambda: [tmp_path / "models"])  # nor a wheel
    monkeypatch.setattr(ocr, "_engine", None)
    with pytest.raises(ocr.OcrUnavailable, match="not installed"):
        ocr.read_page(np.zeros((50, 50, 3), dtype=np.uint8))


def test_a_non_rgb_array_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="RGB uint8"):
        ocr.read_page(np.zeros((50, 50), dtype=np.uint8))


@pytest.mark.slow
def test_a_photo_is_read_without_opencv_or_rapidocr_code() -> None:
    """OpenCV is blocked (an import of cv2 or shapely fails); the photo is still read, and neither
    rapidocr's Python code nor OpenCV was loaded."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["cv2"] = None  # any `import cv2` now raises ImportError
        sys.modules["shapely"] = None
        sys.path.insert(0, sys.argv[1])
        import photo_builders as pb
        from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS
        from leaselab_desktop.screening.documents.ocr import read_page
        from leaselab_desktop.screening.documents.ocr_intake import image_frames
        data = pb.phone_photo_jpeg(seed=3, orientation=1, skew_deg=2.0)
        (rgb,) = image_frames(data, DEFAULT_LIMITS)
        page = read_page(rgb)
        text = "\\n".join(page.lines)
        assert "3,250.00" in text and "2,603.00" in text and "Priya" in text, text
        loaded = [m for m in sys.modules if m.startswith(("rapidocr_onnxruntime", "cv2")) and sys.modules[m]]
        assert not loaded, loaded
        print("read", page.mean_confidence)
        """
    )
    helpers = ROOT / "tests" / "fixtures" / "documents"
    proc = subprocess.run(
        [sys.executable, "-c", script, str(helpers)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("read 0.")
