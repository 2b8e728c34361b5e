"""Text that leaves the app for a spreadsheet: neutralise what a spreadsheet would run as a formula.

An applicant controls their name, email and message. A cell beginning with ``= + - @`` (or a tab or
carriage return, which some spreadsheets skip before looking) is run as a formula when the CSV is
opened (CSV/formula injection). Such text gets a leading apostrophe, which spreadsheets show as
text and do not display. Numbers are written as numbers and left alone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """RFC 4180 CSV (CRLF, quoted as needed) with every text cell made spreadsheet-safe."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
