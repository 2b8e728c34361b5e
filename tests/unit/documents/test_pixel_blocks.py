"""The block-grid primitives of the pixel checks give what the straightforward numpy would: the
sort-based block percentile is ``np.percentile``'s linear method to the bit, on noise, on flat
paper full of ties, on clipped white and on a real photo; ``side_by_side`` returns both results,
passes errors on and leaves no thread behind."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from leaselab_desktop.screening.documents.pixel_blocks import block_levels, gray, side_by_side

PHOTO = Path(__file__).parents[2] / "corpus" / "files" / "scans" / "stub_qc_fr_clean_b_photo.jpg"


def _reference(g: np.ndarray, block: int, percentile: float) -> np.ndarray:
    views = sliding_window_view(g, (block, block))[::block, ::block]
    cells = views.reshape(views.shape[0], views.shape[1], -1)
    levels: np.ndarray = np.percentile(cells, percentile, axis=-1).astype(np.float32)
    return levels


def _images() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    noisy = rng.normal(200, 12, (411, 389)).astype(np.float32)
    ties = np.full((160, 240), 244.0, dtype=np.float32)
    ties[::3, ::5] = 31.0  # print on flat paper: most ranks tie
    clipped = np.clip(rng.normal(250, 6, (200, 200)), 0, 255).astype(np.float32)
    with Image.open(PHOTO) as img:
        photo = np.asarray(img.convert("RGB"))
    return [noisy, ties, clipped, gray(photo)]


@pytest.mark.parametrize("percentile", [80, 50, 10, 95, 33.3])
@pytest.mark.parametrize("block", [8, 9, 12])
def test_block_levels_equal_numpy_percentile_to_the_bit(block: int, percentile: float) -> None:
    for g in _images():
        ours = block_levels(g, block, percentile)
        assert ours.dtype == np.float32
        assert np.array_equal(ours, _reference(g, block, percentile))


def test_side_by_side_returns_both_and_leaves_no_thread() -> None:
    before = threading.active_count()
    first, second = side_by_side(lambda: np.arange(5).sum(), lambda: threading.current_thread().name)
    assert first == 10
    assert second.startswith("pixel-check")  # the second ran on its own thread
    assert threading.active_count() == before


def test_side_by_side_passes_errors_on() -> None:
    def broken() -> int:
        raise ValueError("bad pixels")

    with pytest.raises(ValueError, match="bad pixels"):
        side_by_side(lambda: 1, broken)
    with pytest.raises(ValueError, match="bad pixels"):
        side_by_side(broken, lambda: 1)
