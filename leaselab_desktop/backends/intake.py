"""Import applicants handed over in person: a folder with ``leads.csv`` and one sub-folder per lead.

Every refused row or file is reported with its reason; the rest is imported.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from leaselab_desktop.backends.csv_read import CsvUnreadable, encoding_name, read_rows
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.domain.models import LeadQuery, NewLead
from leaselab_desktop.domain.timefmt import parse_timestamp
from leaselab_desktop.domain.vocab import EMPLOYMENT_STATUSES
from leaselab_desktop.platforms import find_entry, long_path

REQUIRED = ("first_name", "last_name", "email", "property")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TYPE_HINTS = (
    (re.compile(r"pay.?stub|payslip|pay_?slip", re.I), "paystub"),
    (re.compile(r"bank|statement", re.I), "bank_statement"),
    (re.compile(r"employ|letter|offer", re.I), "employment_letter"),
    (re.compile(r"\bid\b|passport|licen[cs]e|government|_id\.|-id\.", re.I), "government_id"),
    (re.compile(r"tax|noa|t4", re.I), "tax_return"),
)
MAX_ROWS = 5000


def guess_file_type(name: str) -> str:
    for pattern, kind in _TYPE_HINTS:
        if pattern.search(name):
            return kind
    return "other"


@dataclass
class ImportReport:
    imported: list[tuple[int, str, str]] = field(default_factory=list)  # (row, lead id, name)
    files: list[tuple[str, str]] = field(default_factory=list)  # (lead id, file name)
    refused_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    refused_files: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (row, remark on an imported row)
    encoding: str | None = None

    def lines(self) -> list[str]:
        out = [f"Imported {len(self.imported)} lead(s) and {len(self.files)} document(s)."]
        if self.encoding:
            out.append(f"  leads.csv read as {encoding_name(self.encoding)}")
        out += [f"  row {r}: imported {name} as {lid}" for r, lid, name in self.imported]
        out += [f"  row {r}: note - {why}" for r, why in self.notes]
        out += [f"  row {r}: REFUSED - {why}" for r, why in self.refused_rows]
        out += [f"  file {p}: REFUSED - {why}" for p, why in self.refused_files]
        return out


def _float(value: str | None, what: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        n = float(value.replace(",", "").replace("$", "").strip())
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a number") from None
    if not math.isfinite(n):  # float() accepts "NaN", "inf" and "1e999"
        raise ValueError(f"{what} {value!r} is not a number")
    if n < 0 or n > 10_000_000:
        raise ValueError(f"{what} {value!r} is out of range")
    return n


async def _known_emails(backend: Any) -> set[str]:
    try:
        page = await backend.list_leads(LeadQuery(limit=200_000))
    except BackendError:
        return set()
    return {lead.email.lower() for lead in page.items if lead.email}


async def import_folder(backend: Any, folder: Path) -> ImportReport:
    report = ImportReport()
    csv_path = folder / "leads.csv"
    if not csv_path.is_file():
        raise FileNotFoundError(f"{folder} has no leads.csv")
    try:
        report.encoding, _, rows = read_rows(csv_path.read_bytes(), required_header=REQUIRED)
    except CsvUnreadable as exc:
        raise ValueError(f"leads.csv cannot be imported: {exc}") from exc
    properties = await backend.list_properties()
    by_prop = {p.id.lower(): p for p in properties} | {p.name.lower(): p for p in properties}
    known = await _known_emails(backend)
    seen: dict[str, int] = {}  # email -> row that brought it in this file
    root = folder.resolve()
    taken = 0
    for csv_row in rows:
        n = csv_row.number
        if csv_row.cells is None:
            report.refused_rows.append((n, csv_row.refused or "unreadable"))
            continue
        taken += 1
        if taken > MAX_ROWS:
            rest = 1 + sum(1 for _ in rows)
            report.refused_rows.append((n, f"this row and the {rest - 1} after it were not imported: at most "
                                           f"{MAX_ROWS} rows are imported at once; import them from a second file"))
            break
        row = {k.strip().lower(): v.strip() for k, v in csv_row.cells.items()}
        missing = [c for c in REQUIRED if not row.get(c)]
        if missing:
            report.refused_rows.append((n, f"missing {', '.join(missing)}"))
            continue
        if not _EMAIL.match(row["email"]):
            report.refused_rows.append((n, f"email {row['email']!r} is not an email address"))
            continue
        email = row["email"].lower()
        if email in seen:
            report.refused_rows.append((n, f"the email {row['email']} is already on row {seen[email]} of this "
                                           "file; not imported twice"))
            continue
        prop = by_prop.get(row["property"].lower())
        if prop is None:
            report.refused_rows.append((n, f"unknown property {row['property']!r}"))
            continue
        unit_id = None
        if row.get("unit"):
            units = await backend.list_units(prop.id)
            unit = next((u for u in units if row["unit"].lower() in (u.id.lower(), u.name.lower())), None)
            if unit is None:
                report.refused_rows.append((n, f"unknown unit {row['unit']!r} in {prop.name}"))
                continue
            unit_id = unit.id
        emp = row.get("employment_status") or None
        if emp and emp not in EMPLOYMENT_STATUSES:
            report.refused_rows.append((n, f"employment_status {emp!r} is not one of {', '.join(EMPLOYMENT_STATUSES)}"))
            continue
        try:
            new = NewLead(
                property_id=prop.id, unit_id=unit_id, first_name=row["first_name"], last_name=row["last_name"],
                email=row["email"], phone=row.get("phone") or None, employment_status=emp,
                employer=row.get("employer") or None,
                # a CSV's dates are text in whatever form a spreadsheet wrote: read here, at the edge
                employment_start_date=parse_timestamp(row.get("employment_start_date") or None),
                monthly_income=_float(row.get("monthly_income"), "monthly_income"),
                move_in_date=parse_timestamp(row.get("move_in_date") or None),
                message=row.get("message") or None,
            )
            lead = await backend.create_lead(new)
        except (ValueError, ValidationError, BackendError) as exc:
            report.refused_rows.append((n, _short(exc)))
            continue
        seen[email] = n
        report.imported.append((n, lead.id, lead.full_name))
        if email in known:
            report.notes.append((n, f"a lead with the email {row['email']} already existed; check whether "
                                    "this is the same applicant"))
        await _attach_folder(backend, report, root, lead.id, row.get("folder") or "", row["email"])
    return report


async def _attach_folder(backend: Any, report: ImportReport, root: Path, lead_id: str, named: str,
                         email: str) -> None:
    sub = (root / (named or email)).resolve()
    if not sub.is_relative_to(root) or sub == root:
        # answered in one line: the folder's contents are never listed
        where = "is the import folder itself" if sub == root else "is outside the import folder"
        report.refused_files.append((named, f"the documents folder {where}; it was not read (name a "
                                            "sub-folder of the import folder)"))
        return
    found = find_entry(root, named or email)  # case-insensitive, as on Windows/macOS
    if found is None or not found.is_dir():
        if named:
            report.refused_files.append((named, "no such documents folder in the import folder"))
        return
    for path in sorted(found.iterdir()):
        disk = Path(long_path(path))  # Windows: a path over 260 characters opens only in \\?\ form
        if disk.is_symlink() or not path.resolve().is_relative_to(root):
            report.refused_files.append((str(path), "links outside the import folder are not followed"))
            continue
        if not disk.is_file() or path.name.startswith("."):
            continue
        try:
            await backend.attach_file(lead_id, disk, guess_file_type(path.name))
            report.files.append((lead_id, path.name))
        except (OSError, BackendError) as exc:
            report.refused_files.append((str(path), _short(exc)))


def _short(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc)
