"""The command line's exports: ``compare LEAD LEAD [--pdf [FILE]]`` and ``leads --xlsx/--csv FILE``.

Files go where the agent looks: a bare ``--pdf``/``--xlsx`` writes to the Documents folder
(``platforms.documents_dir``) under a dated name; a relative name is taken from the working folder,
as a shell user expects. Everything goes through the application layer, on every profile.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from leaselab_desktop import platforms
from leaselab_desktop.application.compare import compare_leads
from leaselab_desktop.backends.base import Backend
from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.reports.comparison import Comparison, SelectionProblem


def target(given: str, default_name: str) -> Path:
    """``--pdf`` without a name: the Documents folder; with one: that file (a folder: a file in it)."""
    if not given:
        return platforms.documents_dir() / default_name
    path = Path(given).expanduser()
    return path / default_name if path.is_dir() else path


# -- compare ------------------------------------------------------------------------------------
def compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("lead_ids", nargs="+", metavar="LEAD", help="2 to 4 leads that applied for the same unit")
    p.add_argument("--pdf", nargs="?", const="", default=None, metavar="FILE",
                   help="also write the comparison as a PDF (no FILE: to the Documents folder)")


def print_comparison(c: Comparison) -> None:
    width = min(28, max(12, *(len(x) for x in (*c.names, *(cell for r in c.rows for cell in r.cells)))))
    title_w = max(len(r.title) for r in c.rows) + 2
    print(f"Comparing {len(c.applicants)} applicants for {c.unit}")
    print(" " * (title_w + 2) + "".join(f"{n[:width]:<{width + 2}}" for n in c.names))
    kind = ""
    for r in c.rows:
        if r.kind != kind:
            kind = r.kind
            print({"summary": "", "factor": "Factors", "signal": "Signals"}[kind] or "")
        mark = "*" if r.differs else " "
        print(f"{mark} {r.title:<{title_w}}" + "".join(f"{cell[:width]:<{width + 2}}" for cell in r.cells))
    print("\nDifferences (* above):" if c.differences else "\nNo difference in what was scored.")
    for r in c.differences:
        print(f"- {r.title}: {r.explanation}")


async def compare(backend: Backend, args: argparse.Namespace) -> int:
    try:
        comparison = await compare_leads(backend, args.lead_ids)
    except SelectionProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print_comparison(comparison)
    if args.pdf is not None:
        from leaselab_desktop.reports.compare import default_name, write_comparison_pdf

        path = target(args.pdf, default_name(comparison))
        try:
            out = await asyncio.to_thread(write_comparison_pdf, path, comparison)
        except OSError as exc:
            print(f"error: could not write {path}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"\nSaved the comparison to {out}")
    return 0


# -- the lead list as a file ----------------------------------------------------------------------
async def export_leads(backend: Backend, fmt: str, given: str) -> int:
    from leaselab_desktop.reports.spreadsheet import lead_list_table, write_csv_file, write_xlsx

    rows = LeadRows.from_leads((await backend.list_leads(LeadQuery(limit=100_000))).items)
    header, table = lead_list_table(rows)
    path = target(given, f"leads-{datetime.now(UTC).strftime('%Y%m%d')}.{fmt}")
    write = write_xlsx if fmt == "xlsx" else write_csv_file
    try:
        out = await asyncio.to_thread(write, path, header, table)
    except OSError as exc:
        print(f"error: could not write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Saved {len(table)} lead(s) to {out}")
    return 0
