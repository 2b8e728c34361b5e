"""Words with their boxes from a PDF's text layer, with pdfplumber (MIT; imported lazily)."""

from __future__ import annotations

import io
import logging

from leaselab_desktop.screening.documents.limits import Limits
from leaselab_desktop.screening.documents.words import PageWords, Word

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # malformed input is reported, not logged


def pdf_words(data: bytes, limits: Limits) -> list[PageWords]:
    """One ``PageWords(source="text")`` per page (empty ``words`` for an image-only page).
    A PDF pdfplumber cannot read gives ``[]``: the plain-text path still has its say."""
    import pdfplumber

    out: list[PageWords] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, page in enumerate(pdf.pages[: limits.max_pdf_pages]):
                words = [
                    Word(
                        text=str(w["text"]), page=index, x0=float(w["x0"]), top=float(w["top"]),
                        x1=float(w["x1"]), bottom=float(w["bottom"]),
                    )
                    for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)
                ]
                out.append(PageWords(index, float(page.width), float(page.height), "text", words))
                page.close()  # frees the page's parsed objects (long statements)
    except Exception:  # pdfminer raises many kinds of errors on damaged files
        return []
    return out
