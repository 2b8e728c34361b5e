"""Shared text helpers: amounts ("$4,250.00", "(120.00)", "-1,900.00 CR"), dates and labelled lines."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

DATE_RE = re.compile(
    r"(?P<iso>\b(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})\b)"
    rf"|(?P<mdy>\b(?P<mon2>{_MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})\b)"
    rf"|(?P<dmy>\b(?P<d3>\d{{1,2}})\s+(?P<mon3>{_MONTH_RE})\s+(?P<y3>\d{{4}})\b)"
    r"|(?P<num>\b(?P<a4>\d{1,2})/(?P<b4>\d{1,2})/(?P<y4>\d{4})\b)",
    re.IGNORECASE,
)

# An amount: optional sign/parenthesis, optional $, digits with thousands separators, 2 decimals
# (or a whole number written with a $ or thousands separators).
AMOUNT_RE = re.compile(
    r"(?P<neg1>[-−–])?\s?(?P<paren>\()?\s?(?P<cur>(?:CA|C|US)?\$)?\s?(?P<neg2>[-−])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{2}|(?<=\$)\d+(?:\.\d{1,2})?)"
    r"(?P<paren2>\))?(?P<trail>-(?=\s|$))?(?:\s?(?P<cr>CR|DR)\b)?"
)


def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO ``YYYY-MM-DD`` (ISO, "Oct 17, 2026", "17 Oct 2026", d/m/Y)."""
    for m in DATE_RE.finditer(text):
        iso = _match_to_iso(m)
        if iso:
            return iso
    return None


def all_dates(text: str) -> list[str]:
    return [iso for m in DATE_RE.finditer(text) if (iso := _match_to_iso(m))]


def _match_to_iso(m: re.Match[str]) -> str | None:
    try:
        if m.group("iso"):
            y, mo, d = int(m.group("y1")), int(m.group("m1")), int(m.group("d1"))
        elif m.group("mdy"):
            y, d = int(m.group("y2")), int(m.group("d2"))
            mo = _MONTHS[_mon(m.group("mon2"))]
        elif m.group("dmy"):
            y, d = int(m.group("y3")), int(m.group("d3"))
            mo = _MONTHS[_mon(m.group("mon3"))]
        else:
            a, b, y = int(m.group("a4")), int(m.group("b4")), int(m.group("y4"))
            d, mo = (a, b) if a > 12 else (b, a) if b > 12 else (a, b)  # Canadian d/m/Y default
        return date(y, mo, d).isoformat()
    except (ValueError, KeyError):
        return None


def _mon(token: str) -> str:
    t = token.lower().rstrip(".")
    return t if t in _MONTHS else t[:3]


def strip_dates(text: str) -> str:
    return DATE_RE.sub(" ", text)


def amounts(text: str) -> list[float]:
    """Every money amount in ``text`` (dates removed first), signed."""
    out: list[float] = []
    for m in AMOUNT_RE.finditer(strip_dates(text)):
        value = float(m.group("num").replace(",", ""))
        negative = bool(
            m.group("neg1") or m.group("neg2") or m.group("trail")
            or (m.group("paren") and m.group("paren2"))
            or m.group("cr") == "DR"
        )
        out.append(-value if negative else value)
    return out


def labelled(lines: list[str], pattern: str) -> tuple[str, list[float]] | None:
    """First line whose start matches ``pattern`` (case-insensitive) and the amounts after it."""
    rx = re.compile(rf"^\s*(?:{pattern})\b[\s:.#-]*", re.IGNORECASE)
    for line in lines:
        m = rx.match(line)
        if m:
            found = amounts(line[m.end():])
            if found:
                return line, found
    return None


def labelled_text(lines: list[str], pattern: str) -> str | None:
    """Text after a ``Label:`` at the start of a line (e.g. ``Employee: Jane Doe``)."""
    rx = re.compile(rf"^\s*(?:{pattern})\s*[:#]\s*(.+?)\s*$", re.IGNORECASE)
    for line in lines:
        m = rx.match(line)
        if m and m.group(1).strip():
            return m.group(1).strip()
    return None


def lines_of(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def days_between(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    try:
        return (date.fromisoformat(end) - date.fromisoformat(start)).days
    except ValueError:
        return None


_NAME_TAIL_RE = re.compile(
    r"\s{2,}.*$|\s+(?:employee\s*(?:id|#|no\.?|number)|emp\.?\s*(?:id|no\.?)|id|sin|account|acct"
    r"|dept|department)\b.*$",
    re.IGNORECASE,
)


def clean_person_name(raw: str | None) -> str | None:
    if not raw:
        return None
    name = _NAME_TAIL_RE.sub("", raw).strip(" ,.;:")
    if not name or any(ch.isdigit() for ch in name) or len(name) > 80:
        return None
    return name
