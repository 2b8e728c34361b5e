"""Scans deeper or shallower than 8 bits a sample: 16-bit greyscale PNG and TIFF (scanner software
writes them; Pillow opens them as mode I;16 and its RGB conversion clipped them to white), 1-bit
black and white. The 16-bit files here are written by hand from the PNG and TIFF specifications (not
by Pillow, which reads them); the held-out corpus holds pypng's and tifffile's."""

from __future__ import annotations

import io
import json
import math
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from leaselab_desktop.domain.pixels import eight_bit, is_wide
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS
from leaselab_desktop.screening.documents.ocr import _skew
from leaselab_desktop.screening.documents.ocr_intake import image_frames

HELDOUT = Path(__file__).resolve().parents[2] / "heldout"


def _png16(levels: np.ndarray) -> bytes:
    """A 16-bit greyscale PNG: signature, IHDR, one zlib IDAT of filter-0 rows, IEND."""
    h, w = levels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in levels)
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 0, 0, 0, 0)  # depth 16, colour type 0 (grey)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _tiff16_big_endian(levels: np.ndarray) -> bytes:
    """A baseline big-endian ("MM") TIFF: one uncompressed strip of 16-bit min-is-black samples."""
    h, w = levels.shape
    short, long_ = 3, 4
    tags = [(256, long_, w), (257, long_, h), (258, short, 16), (259, short, 1), (262, short, 1),
            (273, long_, 0), (277, short, 1), (278, long_, h), (279, long_, h * w * 2)]  # fmt: skip
    data_at = 8 + 2 + 12 * len(tags) + 4
    entries = b""
    for tag, kind, value in tags:
        value = data_at if tag == 273 else value
        packed = struct.pack(">HH", value, 0) if kind == short else struct.pack(">I", value)  # left-justified
        entries += struct.pack(">HHI", tag, kind, 1) + packed
    ifd = struct.pack(">H", len(tags)) + entries + struct.pack(">I", 0)
    return b"MM\x00*" + struct.pack(">I", 8) + ifd + levels.astype(">u2").tobytes()


def _page() -> np.ndarray:
    """An 8-bit page: grey paper, dark ink."""
    img = Image.new("L", (420, 120), 232)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=30)
    draw.text((16, 16), "Gross Pay 2,380.00", fill=24, font=font)
    draw.text((16, 64), "Net Pay 1,626.73", fill=24, font=font)
    return np.asarray(img)


@pytest.mark.parametrize("encode", [_png16, _tiff16_big_endian], ids=["png16", "tiff16_big_endian"])
def test_a_16_bit_scan_decodes_to_its_own_grey_levels(encode: Any) -> None:
    page = _page()
    data = encode(page.astype(np.uint16) * 257)  # 8-bit levels spread over 16 bits, as a scanner does
    assert is_wide(Image.open(io.BytesIO(data)).mode)
    (rgb,) = image_frames(data, DEFAULT_LIMITS)
    assert rgb.shape == (*page.shape, 3)
    assert np.array_equal(rgb[..., 0], page) and np.array_equal(rgb[..., 2], page)  # not clipped to white


def test_wide_modes_are_scaled_by_their_depth_and_other_images_left_alone() -> None:
    sixteen = Image.open(io.BytesIO(_png16(np.array([[0, 32896, 65535]], dtype=np.uint16))))
    assert np.asarray(eight_bit(sixteen)).tolist() == [[0, 128, 255]]
    as_int = Image.fromarray(np.array([[0, 128, 255]], dtype=np.int32))
    assert as_int.mode == "I" and np.asarray(eight_bit(as_int)).tolist() == [[0, 128, 255]]  # 8-bit values kept
    wide_int = Image.fromarray(np.array([[0, 32896, 65535]], dtype=np.int32))
    assert np.asarray(eight_bit(wide_int)).tolist() == [[0, 128, 255]]
    unit_float = Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32))
    assert unit_float.mode == "F" and np.asarray(eight_bit(unit_float)).tolist() == [[0, 128, 255]]
    negative = Image.fromarray(np.array([[-40.0, 300.0]], dtype=np.float32))
    assert np.asarray(eight_bit(negative)).tolist() == [[0, 1]]  # 0..65535 range; nothing below 0
    for mode in ("L", "RGB", "RGBA", "1", "P", "CMYK", "LA"):
        img = Image.new(mode, (3, 2))
        assert eight_bit(img) is img


def _quad(width: float, degrees: float, top: float) -> np.ndarray:
    t = math.radians(degrees)
    dx, dy = width * math.cos(t), width * math.sin(t)
    return np.array([[100, top], [100 + dx, top + dy], [100 + dx, top + dy + 36], [100, top + 36]], np.float32)


def test_the_skew_of_a_page_is_weighted_by_line_length() -> None:
    """On a page skewed by 1°, the detector fits many short boxes level; the long ones carry the
    angle. Here 17 of 32 boxes say 0° (the plain median), and the page is at -1°."""
    level = [_quad(130, 0.0, 40 * i) for i in range(17)]
    tilted = [_quad(160 + 60 * i, -1.0, 700 + 40 * i) for i in range(15)]
    assert float(np.median([0.0] * 17 + [-1.0] * 15)) == 0.0
    assert _skew(level + tilted) == pytest.approx(-1.0, abs=0.01)
    assert _skew(level) == 0.0
    assert _skew([_quad(30, 10.0, 0)]) == 0.0  # not clearly wider than tall: not a line
    assert _skew([]) == 0.0


def _heldout(name: str) -> dict[str, Any]:
    entries = json.loads((HELDOUT / "expected.json").read_text(encoding="utf-8"))["entries"]
    entry: dict[str, Any] = next(e for e in entries if e["path"].endswith(name))
    return entry


@pytest.mark.slow
@pytest.mark.parametrize("name", ["stub_us_fpdf_clean_b_scan16.png", "stub_qc_story_clean_a_bw300.tif"])
def test_held_out_16_bit_and_1_bit_pay_stub_scans_are_read(name: str) -> None:
    entry = _heldout(name)
    f = analyse_file("h", name, entry["declared_type"], HELDOUT / entry["path"])
    assert f.error is None and f.metadata["text_layer"] == "ocr"
    facts = entry["facts"]
    assert f.pay_stub is not None
    assert (f.pay_stub.gross, f.pay_stub.net, f.pay_stub.pay_date) == (facts["gross"], facts["net"], facts["pay_date"])
    assert f.pay_stub.deductions == facts["deductions"]  # rows of a skewed scan stay rows


@pytest.mark.slow
def test_held_out_multi_page_16_bit_tiff_statement_is_read_to_its_last_page() -> None:
    entry = _heldout("bank_ca_drcr_fpdf_clean_a_feeder16.tif")
    f = analyse_file("h", "statement.tif", entry["declared_type"], HELDOUT / entry["path"])
    assert f.error is None and f.metadata["ocr_pages"] == "1,2"
    assert f.bank_statement is not None
    assert f.bank_statement.closing_balance == entry["facts"]["closing_balance"]


@pytest.mark.slow
def test_a_fax_in_normal_mode_is_read_with_square_pixels() -> None:
    """A fax in normal mode samples 204 dpi across and 98 dpi down (a bilevel G4 TIFF): letters
    are half as tall in pixels as they are wide. The page is stretched back before OCR."""
    import photo_builders as pb

    page = pb.reportlab_page(scale=204 / 72).convert("L")  # 204 dpi both ways
    fax = page.resize((page.width, round(page.height * 98 / 204)), Image.Resampling.BOX)
    buf = io.BytesIO()
    fax.point(lambda v: 255 if v > 150 else 0).convert("1").save(buf, "TIFF", compression="group4", dpi=(204, 98))
    (rgb,) = image_frames(buf.getvalue(), DEFAULT_LIMITS)
    assert rgb.shape[0] == pytest.approx(page.height, abs=2) and rgb.shape[1] == page.width
    f = analyse_file("f", "fax.tif", "paystub", buf.getvalue())
    assert f.pay_stub is not None and (f.pay_stub.gross, f.pay_stub.net) == (3250.0, 2603.0)
    assert f.name_on_document == "Priya Raman"
