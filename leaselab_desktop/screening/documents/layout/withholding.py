"""The statutory contribution lines a pay stub prints (CPP/QPP, EI, QPIP, Social Security,
Medicare; English and French labels from the shared vocabulary), each with this period's amount and,
when a YTD column or line has it, the year-to-date one."""

from __future__ import annotations

from collections.abc import Sequence

from leaselab_desktop.screening.documents.layout import vocab
from leaselab_desktop.screening.documents.layout.lines import Line
from leaselab_desktop.screening.documents.layout.pairing import Found, amount_at, split_label
from leaselab_desktop.screening.documents.layout.text import find_amounts
from leaselab_desktop.screening.facts import Withholding


def _kind(text: str) -> tuple[str, str] | None:
    """(kind, the text after the label) for a cell that starts with a withholding label."""
    for label, kind in vocab.WITHHOLDING:
        split = split_label(text, (label,))
        if split is not None and not split[1]:
            return kind, split[0]
    return None


def read_withholdings(lines: Sequence[Line]) -> list[Withholding]:
    """Each kind once, where it is first printed with an amount (a YTD table repeats the labels)."""
    out: dict[str, Withholding] = {}
    for line in lines:
        for i, cell in enumerate(line.cells):
            hit = _kind(cell.text)
            if hit is None or hit[0] in out:
                continue
            kind, rest = hit
            current = amount_at(lines, line, i, rest, False, False)
            if current is None or not isinstance(current.value, float):
                continue
            ytd = amount_at(lines, line, i, rest, False, True)
            out[kind] = Withholding(
                kind=kind,
                label=_printed_label(line, i),
                amount=abs(current.value),
                ytd=abs(ytd.value) if ytd is not None and isinstance(ytd.value, float) else None,
                confidence=_confidence(current, ytd),
            )
    return list(out.values())


def _printed_label(line: Line, i: int) -> str:
    """The label as printed, with the text cells just before it ("Social Security" | "(OASDI)")."""
    start = i
    while start > 0 and not find_amounts(line.cells[start - 1].text):
        start -= 1
    return " ".join(c.text for c in line.cells[start : i + 1])


def _confidence(current: Found, ytd: Found | None) -> float:
    score = min(current.label.confidence, current.cell.confidence)
    if ytd is not None:
        score = min(score, ytd.cell.confidence)
    return round(score, 3)
