"""Font consistency of the money amounts in a PDF: an amount retyped by an editor often lands in a
different font family than every other figure on the page."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_MONEY_RE = re.compile(r"\$\s?\d|\b\d{1,3}(?:,\d{3})*\.\d{2}\b")
_LABEL_RE = re.compile(r"net|gross|total|balance|salary|pay|deposit|income|amount|ytd", re.IGNORECASE)
_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")
MAX_AMOUNTS = 2000
MIN_AMOUNTS = 5


def font_family(base_font: str) -> str:
    """``/ABCDEF+Arial-BoldMT`` → ``arial``; ``/Helvetica-Oblique`` → ``helvetica``."""
    name = _SUBSET_RE.sub("", base_font.lstrip("/"))
    name = re.split(r"[-,]", name, maxsplit=1)[0]
    name = re.sub(r"(?:PSMT|MT|PS)$", "", name)
    return name.lower() or "?"


class FontCollector:
    """A pypdf ``visitor_text`` that records the font family of every chunk holding an amount."""

    def __init__(self) -> None:
        self.amounts: list[tuple[str, str]] = []

    def visit(self, text: str, cm: Any, tm: Any, font_dict: Any, font_size: Any) -> None:
        if len(self.amounts) >= MAX_AMOUNTS:
            return
        chunk = text.strip()
        if not chunk or not _MONEY_RE.search(chunk):
            return
        base = font_dict.get("/BaseFont") if font_dict is not None else None
        if base is None:
            return
        self.amounts.append((chunk[:80], font_family(str(base))))

    def outlier(self) -> tuple[str, str] | None:
        """(evidence, strength) when exactly one amount uses a font family no other amount uses;
        strength is ``labelled`` when that amount sits on a financial label (net, total, …)."""
        if len(self.amounts) < MIN_AMOUNTS:
            return None
        counts = Counter(family for _, family in self.amounts)
        if len(counts) < 2:
            return None
        lone = [(text, family) for text, family in self.amounts if counts[family] == 1]
        n_major = counts.most_common(1)[0][1]
        if len(lone) != 1 or n_major < MIN_AMOUNTS - 1:
            return None
        text, family = lone[0]
        others = ", ".join(f"{name} ({n})" for name, n in counts.most_common() if name != family)
        evidence = (
            f'"{text}" is set in {family}; the other {len(self.amounts) - 1} amounts use {others}.'
        )
        return evidence, ("labelled" if _LABEL_RE.search(text) else "unlabelled")
