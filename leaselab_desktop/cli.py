"""Command-line entry: ``leaselab-desktop`` opens the console; sub-commands work without it.

    leaselab-desktop [--data-dir D] [--profile P] [--screenshot DIR | --smoke-test]
    leaselab-desktop leads [--json | --csv | --xlsx [FILE]]
    leaselab-desktop compare LEAD LEAD [LEAD [LEAD]] [--pdf [FILE]]
    leaselab-desktop evaluate LEAD_ID [--provider rules|workers-ai|openai-compatible] [--force --reason R] [--json]
    leaselab-desktop runs [--limit N] [--json]
    leaselab-desktop follow RUN [--json]
    leaselab-desktop terminate RUN
    leaselab-desktop retry RUN [--json]
    leaselab-desktop import FOLDER
    leaselab-desktop backup DIR | restore DIR [--replace]
    leaselab-desktop delete-applicant-data LEAD_ID --reason R | retention [--days N | --keep]

Every command takes ``--profile`` and works on every backend the profile can name: the backend
comes from ``backends.factory`` and evaluations go through the application layer. A command adds
itself to ``COMMANDS`` (one function to declare its arguments, one to run it).

Runs interrupted by a process that ended are resumed only by a command that stays to finish them
(``follow``, ``evaluate`` on their lead, ``retry``): the backend opens with ``resume=False``.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaselab_desktop import __version__, cli_exports, cli_output
from leaselab_desktop.application.evaluations import Evaluations
from leaselab_desktop.backends.base import Backend
from leaselab_desktop.qt_libs import install_advice, missing_libraries
from leaselab_desktop.secrets import SecretStore


@dataclass
class Context:
    backend: Backend
    evaluations: Evaluations
    args: argparse.Namespace


@dataclass(frozen=True)
class Command:
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Context], Awaitable[int]]


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


# -- leads --------------------------------------------------------------------------------------
def _leads_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv", action="store_true", help="print CSV for a spreadsheet (formulas neutralised)")
    p.add_argument("--xlsx", nargs="?", const="", default=None, metavar="FILE",
                   help="save the list as an Excel workbook (no FILE: to the Documents folder)")


async def _leads(ctx: Context) -> int:
    from leaselab_desktop.domain.models import LeadQuery

    page = await ctx.backend.list_leads(LeadQuery(limit=10_000))
    if ctx.args.json:
        print(json.dumps([lead.canonical() for lead in page.items], indent=2))
        return 0
    if ctx.args.xlsx is not None:
        return await cli_exports.export_leads(ctx.backend, "xlsx", ctx.args.xlsx)
    if ctx.args.csv:  # the list's own columns (LEAD_LIST), as the XLSX has them
        from leaselab_desktop.domain.listing import LeadRows
        from leaselab_desktop.reports.spreadsheet import lead_list_table, write_csv

        write_csv(sys.stdout, *lead_list_table(LeadRows.from_leads(page.items)))
        return 0
    from leaselab_desktop.domain.wording import lead_status_name

    print(f"{'ID':<22} {'NAME':<24} {'PROPERTY / UNIT':<28} {'STATUS':<20} {'SCORE':>5} LABEL")
    for lead in page.items:  # the ID stays: it is what evaluate, compare and the rest take
        where = f"{lead.property_name or ''} {lead.unit_name or ''}".strip()
        score = "" if lead.ai_score is None else str(lead.ai_score)
        status = lead_status_name(lead.status)[:20]
        print(f"{lead.id:<22} {lead.full_name[:24]:<24} {where[:28]:<28} {status:<20} {score:>5} {lead.ai_label or ''}")
    return 0


# -- evaluations --------------------------------------------------------------------------------
def _evaluate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("lead_id")
    p.add_argument("--provider", choices=["rules", "workers-ai", "openai-compatible"], default=None)
    p.add_argument("--force", action="store_true", help="re-evaluate unchanged documents (needs --reason)")
    p.add_argument("--reason", default=None)
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON")


async def _evaluate(ctx: Context) -> int:
    a = ctx.args
    lead = await ctx.backend.get_lead(a.lead_id)
    started = await ctx.evaluations.start_or_join(a.lead_id, force=a.force, reason=a.reason)
    log = sys.stderr if a.json else sys.stdout
    if started.already_running:
        print(f"An evaluation of {lead.full_name} ({lead.id}) is already running - run {started.run_id}."
              " Following it to its end.", file=log)
    else:
        print(f"Evaluating {lead.full_name} ({lead.id}) - run {started.run_id}", file=log)
    return await _follow_to_end(ctx, started.run_id)


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_id", metavar="RUN")
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON")


async def _follow(ctx: Context) -> int:
    snap = await ctx.backend.get_run(ctx.args.run_id)
    log = sys.stderr if ctx.args.json else sys.stdout
    how = "continuing where it stopped" if snap.interrupted else snap.status
    print(f"Following run {snap.run_id} of lead {snap.lead_id} ({how})", file=log)
    return await _follow_to_end(ctx, snap.run_id)


async def _retry(ctx: Context) -> int:
    run_id = await ctx.evaluations.retry(ctx.args.run_id)
    print(f"Retrying run {run_id} from its failed step", file=sys.stderr if ctx.args.json else sys.stdout)
    return await _follow_to_end(ctx, run_id)


async def _terminate(ctx: Context) -> int:
    snap = await ctx.evaluations.terminate(ctx.args.run_id)
    print(f"Run {snap.run_id} stopped ({snap.status}). Retry it with: leaselab-desktop retry {snap.run_id}")
    return 0


async def _follow_to_end(ctx: Context, run_id: str) -> int:
    log = sys.stderr if ctx.args.json else sys.stdout
    printer = cli_output.StepPrinter(log)
    final = None
    async for snap in ctx.evaluations.follow(run_id):
        printer.show(snap)
        final = snap
    if final is None or final.status != "complete" or final.output is None:
        err = final.error.message if final and final.error else "unknown error"
        print(f"Evaluation {final.status if final else 'failed'} (run {run_id}): {err}", file=sys.stderr)
        return 1
    if ctx.args.json:
        print(json.dumps(final.output.canonical(), indent=2))
    else:
        cli_output.evaluation(final.output, sys.stdout)
    return 0


def _runs_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, default=20, help="how many runs to show (unfinished ones first)")
    p.add_argument("--json", action="store_true")


async def _runs(ctx: Context) -> int:
    runs = await ctx.evaluations.runs(ctx.args.limit)
    if ctx.args.json:
        print(json.dumps([r.canonical() for r in runs], indent=2))
    elif not runs:
        print("No evaluation runs yet.")
    else:
        cli_output.runs_table(runs, sys.stdout)
    return 0


# -- intake -------------------------------------------------------------------------------------
def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path)


async def _import(ctx: Context) -> int:
    from leaselab_desktop.backends.intake import import_folder

    try:
        report = await import_folder(ctx.backend, ctx.args.folder)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if not report.refused_rows and not report.refused_files else 3


# -- retention and deletion (the backend's own methods: the local store, or a Cloudflare profile's
# cached copies) --------------------------------------------------------------------------------
async def _call(backend: Backend, name: str, *args: Any, **kwargs: Any) -> Any:
    method = getattr(backend, name, None)
    if method is None:
        from leaselab_desktop.backends.errors import NotSupported

        raise NotSupported(f"This profile's backend does not support {name.replace('_', ' ')}.")
    result = method(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


def _done_line(done: Any) -> str:
    return done.line() if hasattr(done, "line") else str(done)


def _delete_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("lead_id")
    p.add_argument("--reason", required=True, help="recorded in the lead's audit trail")


async def _delete(ctx: Context) -> int:
    done = await _call(ctx.backend, "delete_applicant_data", ctx.args.lead_id, reason=ctx.args.reason)
    if isinstance(done, int):  # a Cloudflare profile: this computer's cached copies
        print(f"Deleted {done} cached document(s) of {ctx.args.lead_id} from this computer. The server keeps "
              "its own records; the audit trail is kept.")
    else:
        print(f"Deleted the applicant data of {_done_line(done)}. The evaluation record and the audit trail "
              "are kept.")
    return 0


def _retention_args(p: argparse.ArgumentParser) -> None:
    how = p.add_mutually_exclusive_group()
    how.add_argument("--days", type=int, default=None, help="purge them this many days after the lead closed")
    how.add_argument("--keep", action="store_true", help="keep them (no retention period)")


async def _retention(ctx: Context) -> int:
    a = ctx.args
    if a.keep or a.days is not None:
        if a.days is not None and a.days < 0:
            print("error: --days cannot be negative", file=sys.stderr)
            return 2
        await _call(ctx.backend, "set_retention_days", None if a.keep else a.days)
        for done in await _call(ctx.backend, "purge_expired"):
            print(f"Purged: {_done_line(done)}")
    days = await _call(ctx.backend, "retention_days")
    if days is None:
        print("Documents of closed leads are kept (no retention period).")
    else:
        print(f"Documents, extracted text and cached copies of closed leads are purged {days} day(s) after "
              "the lead closed; the evaluation record and the audit trail are kept.")
    return 0


# -- backup and restore: files only, no backend is opened (so no run is resumed meanwhile) --------
def _folder_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path)


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path)
    p.add_argument("--replace", action="store_true",
                   help="replace existing data (it is kept in a replaced-<time> folder, not deleted)")


def _backup_restore(args: argparse.Namespace) -> int:
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


async def _files_only(ctx: Context) -> int:  # never called: backup and restore open no backend
    return _backup_restore(ctx.args)


COMMANDS: dict[str, Command] = {
    "leads": Command("list the site's leads", _leads_args, _leads),
    "evaluate": Command("evaluate one lead and show each step (follows the lead's unfinished run if it has one)",
                        _evaluate_args, _evaluate),
    "compare": Command("compare 2 to 4 applicants for the same unit side by side (--pdf to save it)",
                       cli_exports.compare_args, lambda ctx: cli_exports.compare(ctx.backend, ctx.args)),
    "runs": Command("list unfinished and recent evaluation runs", _runs_args, _runs),
    "follow": Command("follow a run to its end (an interrupted run continues here)", _run_args, _follow),
    "terminate": Command("stop a run", _run_args, _terminate),
    "retry": Command("restart a failed or stopped run from its failed step and follow it", _run_args, _retry),
    "import": Command("import leads from FOLDER/leads.csv and one sub-folder per lead", _import_args, _import),
    "delete-applicant-data": Command(
        "delete a lead's documents and their extracted text now (evaluation and audit trail stay)",
        _delete_args, _delete),
    "retention": Command("show or set how long closed leads' documents are kept", _retention_args, _retention),
    "backup": Command("copy the local data (databases, documents, analyses, settings) to DIR",
                      _folder_args, _files_only),
    "restore": Command("put a backup made with 'backup' back in place", _restore_args, _files_only),
}
FILES_ONLY = ("backup", "restore")  # they work on the data folder's files: no backend is opened


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
    # each command also takes --profile after its name; SUPPRESS keeps the one given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", default=argparse.SUPPRESS, help="connection profile to use")
    sub = p.add_subparsers(dest="command")
    for name, cmd in COMMANDS.items():
        cmd.arguments(sub.add_parser(name, help=cmd.help, parents=[common]))
    return p


def main(argv: list[str] | None = None, *, secrets: SecretStore | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        headless = bool(getattr(args, "screenshot", None) or getattr(args, "smoke_test", False))
        missing = [] if headless else missing_libraries(os.environ)
        if missing:
            print(install_advice(missing), file=sys.stderr)
            return 3
        from leaselab_desktop.gui.app import run_gui

        return run_gui(args)
    try:
        return asyncio.run(_run_command(args, secrets))
    except KeyboardInterrupt:
        return 130


async def _open(args: argparse.Namespace, secrets: SecretStore | None) -> Backend:
    from leaselab_desktop.backends.factory import open_backend
    from leaselab_desktop.config import Paths, load_settings

    paths = Paths.resolve(args.data_dir)
    settings = load_settings(paths)
    provider = getattr(args, "provider", None)
    if provider:
        settings = settings.model_copy(update={"provider": settings.provider.model_copy(update={"kind": provider})})
    # A command is a short-lived process: it resumes only the run it follows, never all of them.
    return await open_backend(paths, settings, args.profile, secrets, resume=False,
                              allow_unencrypted=bool(getattr(args, "allow_unencrypted", False)))


async def _run_command(args: argparse.Namespace, secrets: SecretStore | None) -> int:
    from leaselab_desktop.backends.errors import BackendError
    from leaselab_desktop.config import SettingsError
    from leaselab_desktop.engine.errors import EngineDatabaseError
    from leaselab_desktop.store import StoreError

    if args.command in FILES_ONLY:
        return _backup_restore(args)
    try:
        backend = await _open(args, secrets)
    except KeyError as exc:  # an unknown profile
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except (StoreError, SettingsError, EngineDatabaseError, BackendError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return await COMMANDS[args.command].run(Context(backend, Evaluations(backend), args))
    except BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await backend.aclose()
