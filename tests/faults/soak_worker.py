"""The kill-anywhere soak's workload, run as a real process that the test SIGKILLs at random moments.

    python soak_worker.py DATA_DIR MODEL_URL SEED IMPORT_ROOT [--settle]

Opens the local backend (the evaluations call a slow loopback model through the
``openai-compatible`` provider), prints ``ready``, then runs a seeded mix of evaluate / import /
override until it is killed. Each action prints one line. ``--settle`` instead follows every
unfinished run to its end and exits (the soak's last, unkilled start). Errors a user would see
(BackendError) are printed and the workload goes on; anything else exits with status 3.
"""

from __future__ import annotations

import asyncio
import random
import sys
import traceback
from pathlib import Path

from leaselab_desktop.backends.errors import AlreadyRunning, BackendError
from leaselab_desktop.backends.intake import import_folder
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths, ProviderSettings
from leaselab_desktop.domain.models import LeadQuery


def say(text: str) -> None:
    print(text, flush=True)


async def _follow(backend: LocalBackend, run_id: str) -> str:
    status = "?"
    async for snap in backend.watch_run(run_id):
        status = snap.status
    return status


async def evaluate(backend: LocalBackend, rng: random.Random, lead_ids: list[str]) -> None:
    lead_id = rng.choice(lead_ids)
    try:
        ticket = await backend.start_evaluation(lead_id, force=True, reason="soak")
    except AlreadyRunning as exc:
        say(f"evaluate {lead_id}: already running {exc.run_id}; following it")
        if exc.run_id:
            say(f"  followed to {await _follow(backend, exc.run_id)}")
        return
    say(f"evaluate {lead_id}: run {ticket.run_id}")
    say(f"  ended {await _follow(backend, ticket.run_id)}")


async def do_import(backend: LocalBackend, import_root: Path, counter: list[int]) -> None:
    folders = sorted(p for p in import_root.iterdir() if p.is_dir() and not (p / ".done").exists())
    if not folders:
        return
    folder = folders[0]
    (folder / ".done").write_text("taken")  # this folder's emails are never imported twice
    report = await import_folder(backend, folder)
    counter[0] += 1
    say(f"import {folder.name}: {len(report.imported)} lead(s), {len(report.files)} document(s)")


async def override(backend: LocalBackend, rng: random.Random, lead_ids: list[str]) -> None:
    for lead_id in rng.sample(lead_ids, len(lead_ids)):
        ev = await backend.latest_evaluation(lead_id)
        if ev is not None:
            o = await backend.override(ev.evaluation_id, "approve_with_verification", "soak override")
            say(f"override {ev.evaluation_id}: {o.id if hasattr(o, 'id') else 'saved'}")
            return


async def main(argv: list[str]) -> int:
    data, model_url, seed, import_root = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    settle = "--settle" in argv
    backend = await LocalBackend.open(
        Paths(data), provider_settings=ProviderSettings(kind="openai-compatible", base_url=model_url, model="soak"),
        count_free_providers=True)
    try:
        # the enterprise tier (1000 a month): the soak measures quota bookkeeping, not the limit
        await backend.db.write(lambda c: c.execute("UPDATE sites SET tier = 'enterprise'"))
        say("ready")
        page = await backend.list_leads(LeadQuery(limit=500))
        lead_ids = [lead.id for lead in page.items if lead.id.startswith("lead_demo_")][:8]
        if settle:
            for lead in page.items:
                run = await backend.active_run(lead.id)
                if run is not None:
                    say(f"settle {run.run_id}: {await _follow(backend, run.run_id)}")
            return 0
        rng = random.Random(seed)
        imports = [0]
        while True:
            action = rng.choice(("evaluate", "evaluate", "evaluate", "import", "override"))
            try:
                if action == "evaluate":
                    await evaluate(backend, rng, lead_ids)
                elif action == "import":
                    await do_import(backend, import_root, imports)
                else:
                    await override(backend, rng, lead_ids)
            except BackendError as exc:
                say(f"{action}: refused: {exc.message}")
    finally:
        await backend.aclose()


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv[1:])))
    except Exception:
        traceback.print_exc()
        sys.exit(3)
