"""A PDF of a few hundred kilobytes holding a 60,000 × 60,000 picture (a deflated page of zeros):
the pixel checks decoded the embedded picture whole (4.4 GB, 25 s). It is now skipped for them,
and the page is still rendered at a bounded size for OCR."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest


def _bomb_pdf() -> bytes:
    """Written by hand from the PDF specification: one page drawing one 1-bit image."""
    z = zlib.compressobj(9)
    row = b"\x00" * 7500  # 60,000 pixels at 1 bit
    image = b"".join(z.compress(row * 1000) for _ in range(60)) + z.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length 30 >>\nstream\nq 612 0 0 792 0 0 cm /Im0 Do Q\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 60000 /Height 60000 /BitsPerComponent 1 /ColorSpace"
        b" /DeviceGray /Filter /FlateDecode /Length %d >>\nstream\n" % len(image) + image + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.skipif(sys.platform != "linux", reason="an address-space limit (RLIMIT_AS) is Linux's")
def test_the_pixel_checks_skip_a_picture_too_large_to_decode(tmp_path: Path) -> None:
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(_bomb_pdf())
    assert pdf.stat().st_size < 600_000
    # in a process that may not use more than 1.5 GB of address space: decoding the picture needs 3.6 GB
    script = textwrap.dedent(f"""
        import resource, sys
        from pathlib import Path
        from leaselab_desktop.screening.documents.ocr_intake import image_only_pages, inspect_pdf_pages
        data = Path({str(pdf)!r}).read_bytes()
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        pages = image_only_pages(data)
        print(pages, inspect_pdf_pages(data, pages))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[0] {}"  # a picture page, and no pixel finding from an undecoded picture
