"""Pixel-level image forensics: each check fires on its forgery and stays quiet on clean photos
(camera noise, perspective, uneven light, the camera's own JPEG tables and EXIF)."""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.documents.image_forensics import suspicious_boxes
from leaselab_desktop.screening.signals import build_document_set
from leaselab_desktop.screening.signals.image_forensics import IMAGE_FORENSIC_CODES, image_forensic_signals

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures" / "documents"))
import photo_builders as pb

pytestmark = pytest.mark.slow
PATCH = pb.PATCH


def _forensic(data: bytes, name: str = "stub.jpg", kind: str = "paystub") -> tuple[list[str], object]:
    facts = analyse_file("f", name, kind, data)
    assert facts.error is None, facts.error_message
    return [s.code for s in image_forensic_signals(facts)], facts


_upright_photo = pb.upright_photo


@pytest.mark.parametrize("seed", [1, 4])
def test_clean_camera_photos_raise_nothing(seed: int) -> None:
    codes, facts = _forensic(pb.phone_photo_jpeg(seed=seed, orientation=6))
    assert codes == [], codes
    assert facts.metadata["forensic_jpeg_tables"] == "custom"  # type: ignore[attr-defined]
    assert facts.metadata["image_kind"] == "photo or scan"  # type: ignore[attr-defined]


def test_clean_scan_with_standard_tables_is_not_called_resaved() -> None:
    """Scanners and many Android phones write libjpeg's tables: only cameras known to write their
    own tables make standard tables suspicious."""
    rgb = pb.camera_shot(pb.reportlab_page(), seed=6, skew_deg=1.0, light=0.1)
    buf = io.BytesIO()
    exif = pb.phone_exif(make="Brother", model="ADS-2700W")
    Image.fromarray(rgb).save(buf, "JPEG", quality=85, exif=exif.tobytes())
    codes, _ = _forensic(buf.getvalue())
    assert codes == []


def test_photo_resaved_by_an_editor() -> None:
    """libjpeg tables under an iPhone's EXIF alone are low (phones' share and export paths re-encode
    too); with a second sign of an edit (here a pasted amount) they are medium."""
    edited = pb.resave_in_editor(_upright_photo(seed=2), quality=90)
    codes, facts = _forensic(edited)
    assert codes == ["jpeg_resaved"]
    sig = image_forensic_signals(facts)[0]  # type: ignore[arg-type]
    assert sig.severity == "low" and "quality 90" in sig.evidence and "Apple iPhone 13" in sig.evidence
    codes, facts = _forensic(pb.resave_in_editor(pb.paste_amount(_upright_photo(seed=2)), quality=90))
    sig = image_forensic_signals(facts)[0]  # type: ignore[arg-type]
    assert codes == ["jpeg_resaved", "pasted_region"] and sig.severity == "medium" and "pasted" in sig.evidence


def test_photoshop_segments_mean_resaved() -> None:
    data = _upright_photo(seed=3)
    irb = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x00"
    adobe = b"Adobe\x00d\x00\x00\x00\x00\x01"
    segments = b"".join(b"\xff" + m + struct.pack(">H", len(p) + 2) + p for m, p in ((b"\xed", irb), (b"\xee", adobe)))
    codes, facts = _forensic(data[:2] + segments + data[2:])
    assert codes == ["jpeg_resaved"]
    assert "Photoshop" in image_forensic_signals(facts)[0].evidence  # type: ignore[arg-type]


def test_pasted_amount_is_found_with_its_box() -> None:
    codes, facts = _forensic(pb.paste_amount(_upright_photo(seed=5)))
    assert codes == ["pasted_region"]
    (x0, y0, x1, y1), = suspicious_boxes(facts.metadata)  # type: ignore[attr-defined]
    inter = max(0, min(x1, PATCH[2]) - max(x0, PATCH[0])) * max(0, min(y1, PATCH[3]) - max(y0, PATCH[1]))
    union = (x1 - x0) * (y1 - y0) + (PATCH[2] - PATCH[0]) * (PATCH[3] - PATCH[1]) - inter
    assert inter / union > 0.5, (x0, y0, x1, y1)
    sig = image_forensic_signals(facts)[0]  # type: ignore[arg-type]
    assert sig.severity == "medium" and f"x {x0}–{x1}, y {y0}–{y1}" in sig.evidence


def test_screenshot_is_told_from_a_photo() -> None:
    shot = Image.new("RGB", (1170, 2532), (255, 255, 255))
    draw = ImageDraw.Draw(shot)
    draw.rectangle((0, 0, 1170, 180), fill=(24, 64, 128))
    for i, (left, right) in enumerate(pb.PAY_STUB_LINES):
        draw.text((40, 260 + i * 64), f"{left}    {right}", fill=(20, 20, 20), font=ImageFont.load_default(size=36))
    buf = io.BytesIO()
    shot.save(buf, "PNG")  # no EXIF: readable, not "damaged"
    codes, facts = _forensic(buf.getvalue(), "portal.png")
    assert codes == ["image_screenshot"]
    assert facts.pay_stub is not None and facts.pay_stub.gross == 3250.0  # type: ignore[attr-defined]
    lead = Lead(id="l1", site_id="s", first_name="Priya", last_name="Raman", email="p@example.com")
    signals = build_document_set(lead, [facts]).signals  # type: ignore[list-item]
    assert next(s for s in signals if s.code in IMAGE_FORENSIC_CODES).severity == "low"


def test_double_compression_without_camera_exif() -> None:
    """EXIF stripped, so the tables alone prove nothing; the periodic DCT histograms of a second
    save at another quality still show it (as low: messengers recompress photos too)."""
    rgb = pb.camera_shot(pb.reportlab_page(), seed=3, skew_deg=2.0)
    first = pb.encode_camera_jpeg(rgb, quality=75)  # no EXIF at all
    img = Image.open(io.BytesIO(first))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    codes, facts = _forensic(buf.getvalue())
    assert codes == ["jpeg_resaved"]
    sig = image_forensic_signals(facts)[0]  # type: ignore[arg-type]
    assert sig.severity == "low" and "compressed twice" in sig.evidence
    single = io.BytesIO()
    Image.fromarray(rgb).save(single, "JPEG", quality=90)  # the same content saved once
    assert _forensic(single.getvalue())[0] == []


def test_the_five_coefficients_are_those_of_the_full_8x8_dct() -> None:
    """double_compression computes only the coefficients it scores, by one matrix product: each
    must equal the one a full two-dimensional DCT of the block gives."""
    import numpy as np

    from leaselab_desktop.screening.documents.image_forensics import _DCT, _DQ_BASIS, _DQ_FREQUENCIES

    blocks = np.random.default_rng(7).uniform(-128, 127, (50, 8, 8))
    full = _DCT @ blocks @ _DCT.T
    fast = blocks.reshape(-1, 64) @ _DQ_BASIS
    for j, (u, v) in enumerate(_DQ_FREQUENCIES):
        assert np.allclose(fast[:, j], full[:, u, v], atol=1e-9)
