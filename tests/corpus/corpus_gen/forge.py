"""What a forger does to a born-digital PDF: white-out an amount and type a new one over it, saved as
an incremental update (pypdf ``incremental=True``), the way Acrobat-style editors save. The original
revision stays in the file and can be recovered by truncating at the first ``%%EOF``."""

from __future__ import annotations

import io

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def find_text(pdf: bytes, needle: str) -> list[tuple[int, Box]]:
    """Every occurrence of ``needle`` in the PDF's text layer: (page index, union of its char boxes)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    out: list[tuple[int, Box]] = []
    try:
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            searcher = tp.search(needle, match_case=True, match_whole_word=False)
            while (hit := searcher.get_next()) is not None:
                start, count = hit
                before = tp.get_text_range(start - 1, 1) if start > 0 else ""
                after = tp.get_text_range(start + count, 1) if start + count < tp.count_chars() else ""
                if (before and before[-1] in "0123456789,.") or (after and after[0] in "0123456789"):
                    continue  # part of a longer number (2,000.00 inside 12,000.00)
                boxes = [tp.get_charbox(start + k) for k in range(count)]
                boxes = [b for b in boxes if b[2] > b[0]]  # spaces have empty boxes
                out.append(
                    (
                        i,
                        (
                            min(b[0] for b in boxes),
                            min(b[1] for b in boxes),
                            max(b[2] for b in boxes),
                            max(b[3] for b in boxes),
                        ),
                    )
                )
    finally:
        doc.close()
    return out


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def overlay_edit(
    pdf: bytes, edits: list[tuple[str, str]], *, mod_date: str = "D:20260321093012-04'00'", producer: str | None = None
) -> bytes:
    """Cover every occurrence of each old string with white and print the new one right-aligned over
    it, in Helvetica (a font the original usually does not use: also a font-change clue)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    sizes = page_sizes(pdf)
    hits: dict[int, list[tuple[Box, str]]] = {}
    for old, new in edits:
        found = find_text(pdf, old)
        if not found:
            raise ValueError(f"{old!r} is not in the PDF's text layer")
        for page, box in found:
            hits.setdefault(page, []).append((box, new))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for i, (w, h) in enumerate(sizes):
        c.setPageSize((w, h))
        for (x0, y0, x1, y1), new in hits.get(i, []):
            size = max(6.0, (y1 - y0) / 0.72)  # digit height is ~0.72 em in Helvetica
            c.setFillColorRGB(1, 1, 1)
            c.rect(x0 - 1.2, y0 - 1.5, x1 - x0 + 2.4, y1 - y0 + 3, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            c.setFont("Helvetica", size)
            c.drawRightString(x1, y0, new)
        c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue()))
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    for i in hits:
        writer.pages[i].merge_page(overlay.pages[i])
    meta = {"/ModDate": mod_date}
    if producer:
        meta["/Producer"] = producer
    writer.add_metadata(meta)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert data.startswith(pdf[:1024]) and data.count(b"%%EOF") >= 2, "not an incremental update"
    return data


def inplace_edit(pdf: bytes, edits: list[tuple[str, str]], *, mod_date: str) -> bytes:
    """Rewrite the amounts inside the page's own text-showing strings, saved as an incremental
    update: what Acrobat-style "Edit PDF" does to a PDF with standard fonts. Only the new values are
    in the text layer; the earlier revision (and the date) are the evidence. reportlab PDFs only
    (their text is plain literal strings)."""
    import re

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    done = 0
    for page in writer.pages:
        data = page["/Contents"].get_object().get_data()
        new = data
        for old, repl in edits:
            # the amount as a whole string, or after a "$": "(2,634.62) Tj" / "($2,634.62) Tj"
            pattern = re.compile(rb"(?<=[($])" + re.escape(old.encode("latin-1")) + rb"(?=\))")
            new, n = pattern.subn(repl.encode("latin-1"), new)
            done += n
        if new != data:
            stream = DecodedStreamObject()
            stream.set_data(new)
            page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    if not done:
        raise ValueError(f"none of {edits} is a literal string in the content")
    writer.add_metadata({"/ModDate": mod_date})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert data.startswith(pdf) and data.count(b"%%EOF") >= 2, "not an incremental update"
    return data
