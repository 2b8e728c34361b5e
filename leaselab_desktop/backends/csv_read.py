"""Read a CSV file as spreadsheets write it, answering per row and never aborting the whole file.

- The encoding is detected: a BOM (UTF-8, UTF-16 as Excel's "Unicode text"), strict UTF-8, else
  charset-normalizer; a Western single-byte guess is read as cp1252, which Excel on Windows writes.
- The text goes to the csv module as a stream opened with ``newline=''``, so quoted newlines,
  U+2028 and vertical tabs pasted from Word or Excel stay inside their cell (``str.splitlines``
  would split the row there and shift every later row).
- Any cell size is read; a row with a cell over ``MAX_CELL_BYTES`` is refused with its reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass

MAX_CELL_BYTES = 1024 * 1024
MAX_FILE_BYTES = 256 * 1024 * 1024
# Encodings charset-normalizer may name for text that is not Western European: trusted as named.
_NON_LATIN = ("cp1251", "koi8", "cp1253", "cp1255", "cp1256", "iso8859_5", "iso8859_6", "iso8859_7",
              "iso8859_8", "cp866", "cp855", "mac_cyrillic", "mac_greek", "shift_jis", "cp932", "euc",
              "gb", "big5", "cp949", "cp874", "tis", "johab", "hz", "iso2022", "utf_16", "utf_32", "cp950")
_NAMES = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16 with BOM",
    "cp1252": "Windows-1252 (Excel on Windows)", "ascii": "ASCII",
}


class CsvUnreadable(ValueError):
    """The file as a whole cannot be read (too large, encoding unknown); nothing was imported."""


@dataclass(frozen=True)
class CsvRow:
    number: int  # the spreadsheet's row number: the header is row 1
    cells: dict[str, str] | None  # None when refused
    refused: str | None = None


def detect_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding.startswith(_NON_LATIN):
        return str(best.encoding)
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    if best is None:
        raise CsvUnreadable("the text encoding could not be recognised; save the file as CSV UTF-8 and import again")
    return str(best.encoding)


def encoding_name(encoding: str) -> str:
    return _NAMES.get(encoding, encoding)


def _raise_field_limit() -> None:
    # csv's default limit (128 KiB) raises on the first large cell and ends the whole reader:
    # read any cell and refuse its row afterwards instead (the limit is process-wide; only raised)
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_rows(data: bytes, *, required_header: tuple[str, ...] = ()) -> tuple[str, list[str], Iterator[CsvRow]]:
    """(encoding, header in lower case, rows). Raises CsvUnreadable only for whole-file problems."""
    if len(data) > MAX_FILE_BYTES:
        raise CsvUnreadable(f"the file is {len(data) / 1048576:.0f} MiB; at most "
                            f"{MAX_FILE_BYTES // 1048576} MiB are read at once: split it")
    encoding = detect_encoding(data)
    text = data.decode(encoding, errors="replace")
    _raise_field_limit()
    stream = io.StringIO(text, newline="")
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    sample = text[:64 * 1024]
    first_line = sample.split("\n", 1)[0]
    if "\t" in first_line and "," not in first_line:
        dialect = csv.excel_tab  # Excel's "Unicode text" is tab-separated
    elif ";" in first_line and "," not in first_line:
        dialect = _Semicolon  # European Excel writes ';' where ',' is the decimal separator
    reader = csv.reader(stream, dialect)
    try:
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    except StopIteration:
        raise CsvUnreadable("the file is empty") from None
    except csv.Error as exc:
        raise CsvUnreadable(f"the header row cannot be read: {exc}") from None
    missing = [c for c in required_header if c not in header]
    if missing:
        raise CsvUnreadable(f"the header row lacks the column(s) {', '.join(missing)} (found: {', '.join(header)})")
    return encoding, header, _rows(reader, header)


class _Semicolon(csv.excel):
    delimiter = ";"


def _rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[CsvRow]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # malformed quoting on this record: refuse it, read on
            yield CsvRow(number, None, f"the row cannot be read as CSV ({exc})")
            continue
        if not any(c.strip() for c in cells):
            continue  # blank lines between rows are not rows
        big = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL_BYTES // 4
                    and len(c.encode("utf-8")) > MAX_CELL_BYTES), None)
        if big is not None:
            column = header[big] if big < len(header) else f"column {big + 1}"
            size = len(cells[big].encode("utf-8")) / 1048576
            yield CsvRow(number, None, f"the {column} cell is {size:.1f} MiB; cells over "
                         f"{MAX_CELL_BYTES // 1048576} MiB are not imported")
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            yield CsvRow(number, None, f"the row has {len(cells)} cells but the header names {len(header)} "
                         "columns (a comma or tab inside an unquoted cell?)")
            continue
        yield CsvRow(number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h})
