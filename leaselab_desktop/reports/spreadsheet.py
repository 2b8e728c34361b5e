"""Text that leaves the app for a spreadsheet: neutralise what a spreadsheet would run as a formula.

An applicant controls their name, email and message. A cell beginning with ``= + - @`` (or a tab or
carriage return, which some spreadsheets skip before looking) is run as a formula when the CSV is
opened (CSV/formula injection). Such text gets a leading apostrophe, which spreadsheets show as
text and do not display. Numbers are written as numbers and left alone. The
same list goes to XLSX (``write_xlsx``), where such text is stored as a text cell instead.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import IO

from leaselab_desktop.domain.listing import LeadRows, shown_columns
from leaselab_desktop.domain.wording import lead_status_name, recommendation_name
from leaselab_desktop.reports.files import write_atomically

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (openpyxl refuses it): control characters other than tab, LF and CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet: str = "Leads") -> Path:
    """An XLSX workbook (openpyxl, streamed: 100,000 rows in bounded memory), written atomically.

    Text is always a text cell, never a formula: openpyxl would store a string starting with "=" as
    a formula, so each such cell is forced back to text and given Excel's "quote prefix" style (shown
    as typed, kept as text when edited). Numbers and dates stay numbers and dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def save(tmp: str) -> None:  # built once the temp file exists: a bad folder fails before any work
        book = Workbook(write_only=True)
        ws = book.create_sheet(sheet[:31] or "Sheet1")
        bold = Font(bold=True)

        def cell(value: object, head: bool = False) -> WriteOnlyCell:
            if isinstance(value, str):
                value = _ILLEGAL.sub("", value)
            elif isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones: the column title says UTC
            c = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                c.data_type = "s"  # text, even when it starts with "="
                c.quotePrefix = value.startswith(_TRIGGERS)
            if head:
                c.font = bold
            return c

        rest = iter(rows)
        first = list(islice(rest, 200))  # the columns fit the titles and the first rows' text
        for i, title in enumerate(header):
            longest = max([len(str(title)), *(len(str(r[i])) for r in first if i < len(r) and r[i] is not None)])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(50, longest + 2)
        ws.freeze_panes = "A2"  # the titles stay in view while scrolling
        ws.append([cell(h, head=True) for h in header])
        for row in chain(first, rest):
            ws.append([cell(v) for v in row])
        book.save(tmp)

    return write_atomically(Path(path), ".xlsx", save)


def write_csv_file(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """``write_csv`` to a file, UTF-8 with a BOM (Excel then reads the accents right), atomically."""

    def save(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            write_csv(fh, header, rows)

    return write_atomically(Path(path), ".csv", save)


# -- the lead list, as the list shows it ---------------------------------------------------------
# LEAD_LIST's shown columns, with the lead id and the email first (what an agent needs to find the
# lead again), in the list's words; "Updated" is a date in UTC.
def lead_list_table(rows: LeadRows) -> tuple[list[str], list[list[object]]]:
    shown = {s.key: (s, name) for s, name in shown_columns(rows.fields)}
    fields = [("Lead id", "ids", "text"), ("Name", shown["name"][1], "text"), ("Email", "emails", "text")]
    fields += [(s.title + (" (UTC)" if s.format == "time" else ""), name, s.format)
               for key, (s, name) in shown.items() if key != "name"]
    header = [title for title, _, _ in fields]
    columns = [(rows.values[name], fmt) for _, name, fmt in fields]
    overridden = rows.values.get("overridden") or [False] * len(rows)
    table = [[_value(col[i], fmt, bool(overridden[i])) for col, fmt in columns] for i in range(len(rows))]
    return header, table


def _value(value: object, fmt: str, overridden: bool = False) -> object:
    if value is None or value == "":
        return None
    if fmt == "recommendation" and isinstance(value, str):  # the list's words, the override marked
        return recommendation_name(value) + (" (overridden)" if overridden else "")
    if fmt == "status" and isinstance(value, str):
        return lead_status_name(value)  # the list's wording: 'AI evaluated'

    if fmt == "time" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).replace(tzinfo=None, microsecond=0)
    return value
