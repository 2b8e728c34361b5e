"""Command-line entry: ``leaselab-desktop`` opens the console; sub-commands work without it.

    leaselab-desktop [--data-dir D] [--profile P] [--screenshot DIR | --smoke-test]
    leaselab-desktop leads [--json | --csv]
    leaselab-desktop evaluate LEAD_ID [--provider rules|workers-ai|openai-compatible] [--force --reason R] [--json]
    leaselab-desktop import FOLDER
    leaselab-desktop backup DIR | restore DIR [--replace]
    leaselab-desktop delete-applicant-data LEAD_ID --reason R | retention [--days N | --keep]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from leaselab_desktop import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="leaselab-desktop", description="LeaseLab Desktop - AI tenant screening console")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where data, cache and logs live (env LEASELAB_DATA_DIR)")
    p.add_argument("--profile", default=None, help="connection profile to use (default: the active one)")
    p.add_argument("--screenshot", type=Path, default=None, metavar="DIR",
                   help="render each main screen to PNG offscreen, then exit")
    p.add_argument("--allow-unencrypted", action="store_true",
                   help="without a secure keyring, accept storing documents unencrypted in this data folder")
    p.add_argument("--smoke-test", action="store_true",
                   help="offscreen: open the console on demo data, run one evaluation, exit 0/1")
    sub = p.add_subparsers(dest="command")
    leads = sub.add_parser("leads", help="list the site's leads (local backend)")
    leads.add_argument("--json", action="store_true")
    leads.add_argument("--csv", action="store_true", help="print CSV for a spreadsheet (formulas neutralised)")
    ev = sub.add_parser("evaluate", help="evaluate one lead and show each step")
    ev.add_argument("lead_id")
    ev.add_argument("--provider", choices=["rules", "workers-ai", "openai-compatible"], default=None)
    ev.add_argument("--force", action="store_true", help="re-evaluate unchanged documents (needs --reason)")
    ev.add_argument("--reason", default=None)
    ev.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    imp = sub.add_parser("import", help="import leads from FOLDER/leads.csv and one sub-folder per lead")
    imp.add_argument("folder", type=Path)
    de = sub.add_parser("delete-applicant-data",
                        help="delete a lead's documents and their extracted text now (evaluation and audit trail stay)")
    de.add_argument("lead_id")
    de.add_argument("--reason", required=True, help="recorded in the lead's audit trail")
    rt = sub.add_parser("retention", help="show or set how long closed leads' documents are kept")
    rt_how = rt.add_mutually_exclusive_group()
    rt_how.add_argument("--days", type=int, default=None, help="purge them this many days after the lead closed")
    rt_how.add_argument("--keep", action="store_true", help="keep them (no retention period)")
    bk = sub.add_parser("backup", help="copy the local data (databases, documents, analyses, settings) to DIR")
    bk.add_argument("folder", type=Path)
    rs = sub.add_parser("restore", help="put a backup made with 'backup' back in place")
    rs.add_argument("folder", type=Path)
    rs.add_argument("--replace", action="store_true",
                    help="replace existing data (it is kept in a replaced-<time> folder, not deleted)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from leaselab_desktop.gui.app import run_gui

        return run_gui(args)
    try:
        return asyncio.run(_run_command(args))
    except KeyboardInterrupt:
        return 130


async def _open_backend(args: argparse.Namespace, provider: str | None = None) -> Any:
    from leaselab_desktop.backends.local import LocalBackend
    from leaselab_desktop.config import Paths, load_settings

    paths = Paths.resolve(args.data_dir)
    settings = load_settings(paths)
    provider_settings = settings.provider.model_copy(update={"kind": provider} if provider else {})
    profile = settings.profile(args.profile) if args.profile else settings.profile()
    return await LocalBackend.open(paths, site_id=profile.site_id, user_id=profile.user_id,
                                   provider_settings=provider_settings,
                                   allow_unencrypted=bool(getattr(args, "allow_unencrypted", False)))


async def _run_command(args: argparse.Namespace) -> int:
    from leaselab_desktop.backends.errors import BackendError
    from leaselab_desktop.engine.errors import EngineDatabaseError
    from leaselab_desktop.store import StoreError

    if args.command in ("backup", "restore"):
        return _cmd_backup_restore(args)
    try:
        backend = await _open_backend(args, getattr(args, "provider", None))
    except (StoreError, EngineDatabaseError) as exc:  # damaged or missing data: the message says what to do
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "leads":
            return await _cmd_leads(backend, args)
        if args.command == "evaluate":
            return await _cmd_evaluate(backend, args)
        if args.command == "import":
            return await _cmd_import(backend, args)
        if args.command == "delete-applicant-data":
            done = await backend.delete_applicant_data(args.lead_id, reason=args.reason)
            print(f"Deleted the applicant data of {done.line()}. The evaluation record and the audit trail are kept.")
            return 0
        if args.command == "retention":
            return await _cmd_retention(backend, args)
        return 2
    except BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await backend.aclose()


async def _cmd_leads(backend: Any, args: argparse.Namespace) -> int:
    from leaselab_desktop.domain.models import LeadQuery

    page = await backend.list_leads(LeadQuery(limit=10_000))
    if args.json:
        print(json.dumps([lead.canonical() for lead in page.items], indent=2))
        return 0
    if args.csv:
        from leaselab_desktop.reports.spreadsheet import write_csv

        write_csv(sys.stdout, ["id", "first_name", "last_name", "email", "property", "unit", "status",
                               "ai_score", "ai_label"],
                  [(lead.id, lead.first_name, lead.last_name, lead.email, lead.property_name, lead.unit_name,
                    lead.status, lead.ai_score, lead.ai_label) for lead in page.items])
        return 0
    print(f"{'ID':<22} {'NAME':<24} {'PROPERTY / UNIT':<28} {'STATUS':<20} {'SCORE':>5} LABEL")
    for lead in page.items:
        where = f"{lead.property_name or ''} {lead.unit_name or ''}".strip()
        score = "" if lead.ai_score is None else str(lead.ai_score)
        label = lead.ai_label or ""
        print(f"{lead.id:<22} {lead.full_name[:24]:<24} {where[:28]:<28} {lead.status:<20} {score:>5} {label}")
    return 0


def _fmt_step(s: Any) -> str:
    if s.status == "complete" and s.duration_ms is not None:
        return f"  ✓ {s.name} ({s.duration_ms:.0f} ms)"
    if s.status == "retrying":
        return f"  ↻ {s.name} retrying (attempt {s.attempts + 1}): {s.error}"
    if s.status == "errored":
        return f"  ✗ {s.name}: {s.error}"
    return f"  … {s.name} {s.status}"


async def _cmd_evaluate(backend: Any, args: argparse.Namespace) -> int:
    lead = await backend.get_lead(args.lead_id)
    ticket = await backend.start_evaluation(args.lead_id, force=args.force, reason=args.reason)
    log = sys.stderr if args.json else sys.stdout
    print(f"Evaluating {lead.full_name} ({lead.id}) - run {ticket.run_id}", file=log)
    shown: dict[str, tuple[str, int]] = {}
    final = None
    async for snap in backend.watch_run(ticket.run_id):
        for s in snap.steps:
            key = (s.status, s.attempts if s.status == "retrying" else 0)
            if s.status != "pending" and shown.get(s.name) != key:
                shown[s.name] = key
                print(_fmt_step(s), file=log, flush=True)
        final = snap
    if final is None or final.status != "complete" or final.output is None:
        err = final.error.message if final and final.error else "unknown error"
        print(f"Evaluation {final.status if final else 'failed'}: {err}", file=sys.stderr)
        return 1
    ev = final.output
    if args.json:
        print(json.dumps(ev.canonical(), indent=2))
        return 0
    _print_evaluation(ev)
    return 0


def _print_evaluation(ev: Any) -> None:
    print()
    print(f"Score {ev.score}/100  label {ev.label}  recommendation {ev.recommendation}")
    print(f"{ev.summary}")
    print("Factors:")
    for f in ev.factors:
        print(f"  {f.code:<28} {f.points:>5.1f}/{f.max_points:<4.0f} {f.explanation}")
    if ev.signals:
        print("Signals:")
        for s in ev.signals:
            print(f"  [{s.severity}] {s.code} ({s.document or '-'}): {s.evidence}")
    if ev.what_would_change:
        print("What would change the outcome:")
        for w in ev.what_would_change:
            print(f"  - {w}")
    for note in ev.compliance_notes:
        print(f"Note: {note}")
    when = f"{ev.evaluated_at:%Y-%m-%d %H:%M:%S} UTC" if ev.evaluated_at else "-"
    print(f"Policy {ev.policy_version} · provider {ev.provider} ({ev.model_version}) · {when}")


async def _cmd_import(backend: Any, args: argparse.Namespace) -> int:
    from leaselab_desktop.backends.intake import import_folder

    try:
        report = await import_folder(backend, args.folder)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if not report.refused_rows and not report.refused_files else 3


def _cmd_backup_restore(args: argparse.Namespace) -> int:
    """Works on the files only: no backend is opened, so no run is resumed meanwhile."""
    from leaselab_desktop.config import Paths
    from leaselab_desktop.store.backup import BackupError, backup_data, restore_data
    from leaselab_desktop.store.guard import DataLayout

    layout = DataLayout.of(Paths.resolve(args.data_dir))
    try:
        if args.command == "backup":
            summary = backup_data(layout, args.folder)
            print(f"Backed up {layout.database.parent} to {summary.folder}:")
            print("\n".join(summary.lines()))
            return 0
        summary, moved = restore_data(layout, args.folder, replace=args.replace)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Restored {summary.folder} into {layout.database.parent}:")
    print("\n".join(summary.lines()))
    if moved is not None:
        print(f"The data it replaced is kept in {moved}")
    return 0


async def _cmd_retention(backend: Any, args: argparse.Namespace) -> int:
    if args.keep or args.days is not None:
        if args.days is not None and args.days < 0:
            print("error: --days cannot be negative", file=sys.stderr)
            return 2
        await backend.set_retention_days(None if args.keep else args.days)
        for done in await backend.purge_expired():
            print(f"Purged: {done.line()}")
    days = await backend.retention_days()
    if days is None:
        print("Documents of closed leads are kept (no retention period).")
    else:
        print(f"Documents, extracted text and cached copies of closed leads are purged {days} day(s) after "
              "the lead closed; the evaluation record and the audit trail are kept.")
    return 0
