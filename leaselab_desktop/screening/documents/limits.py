"""Limits that keep document analysis bounded in time and memory."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * MIB  # larger files are refused (stored nowhere, analysed no further)
    max_pdf_pages: int = 50
    # extracted text per document is cut here (parsing sees all of it; the workflow step trims
    # what it stores further)
    max_text_chars: int = 100_000
    max_image_pixels: int = 80_000_000  # beyond this Pillow would decode a decompression bomb
    max_revisions: int = 64  # startxref chain walk stops here


DEFAULT_LIMITS = Limits()
