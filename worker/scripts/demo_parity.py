"""Worker ↔ Python parity on the demo dataset's real files.

Starts the worker under ``wrangler dev --local`` (tests/contract/worker_server.py), evaluates every
demo lead through the HTTP API with the rules provider, runs the Python pipeline (document
analysis → signals → rules provider → policy) on the same files, and compares score, label,
recommendation and the set of signal codes per lead. Exit status 1 on any difference.

    .venv/bin/python worker/scripts/demo_parity.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "contract"))

from worker_server import WorkerServer, run_worker_dev  # noqa: E402

from leaselab_desktop.domain.models import Lead  # noqa: E402
from leaselab_desktop.screening.documents import analyse_file  # noqa: E402
from leaselab_desktop.screening.policy import load_policy  # noqa: E402
from leaselab_desktop.screening.providers import RulesProvider  # noqa: E402
from leaselab_desktop.screening.scoring import score  # noqa: E402
from leaselab_desktop.screening.signals import build_document_set  # noqa: E402


def _call(s: WorkerServer, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One API call. Under load wrangler dev sometimes answers only after ~10 s or drops a
    connection: a call that got no answer is tried again (three times in all); a POST carries an
    Idempotency-Key, so the worker replays its first answer instead of starting a second run."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {**s.headers(), "Content-Type": "application/json"}
    if method == "POST":
        headers["Idempotency-Key"] = f"parity-{uuid.uuid4()}"
    req = urllib.request.Request(s.base_url + path, data=data, method=method, headers=headers)
    for attempt in range(3):
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return int(resp.status), json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return int(exc.code), json.loads(exc.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            if attempt == 2:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


def worker_results(s: WorkerServer) -> dict[str, dict[str, Any]]:
    runs = {}
    for lead in s.lead_ids:
        status, body = _call(s, "POST", f"/api/ops/leads/{lead}/ai-evaluation", {})
        if status != 202:
            raise RuntimeError(f"start for {lead}: HTTP {status} {body}")
        runs[lead] = body["data"]["instance_id"]
    out: dict[str, dict[str, Any]] = {}
    for lead, iid in runs.items():
        deadline = time.monotonic() + 120
        while True:
            _, body = _call(s, "GET", f"/api/ops/ai-workflows/{iid}")
            data = body["data"]
            if data["status"] in ("complete", "errored", "terminated") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        ev = data.get("output") or {}
        out[lead] = {
            "status": data["status"], "score": ev.get("score"), "label": ev.get("label"),
            "recommendation": ev.get("recommendation"),
            "signals": sorted({f"{x['code']}:{x['severity']}" for x in ev.get("signals", [])}),
        }
    return out


def _profile(policy: Any, demo: dict[str, Any], rec: dict[str, Any]) -> str:
    """As the app and the worker choose it: a site set to a profile other than `default` wins,
    otherwise the property's province/state decides."""
    site_profile = demo["site"].get("policy_profile") or "default"
    if site_profile != "default" and site_profile in policy.profiles:
        return str(site_profile)
    props = {p["id"]: p for p in demo.get("properties", [])}
    region = (props.get(rec.get("property_id") or "") or {}).get("province")
    return str(policy.profile_for_region(region))


def python_results(demo_dir: Path) -> dict[str, dict[str, Any]]:
    demo = json.loads((demo_dir / "demo.json").read_text(encoding="utf-8"))
    rents = {u["id"]: u["monthly_rent"] for u in demo["units"]}
    owners: dict[str, set[str]] = {}
    for rec in demo["leads"]:
        for d in rec["documents"]:
            owners.setdefault(d["sha256"], set()).add(rec["id"])
    policy = load_policy()
    provider = RulesProvider(clock=lambda: datetime.now(UTC))
    out: dict[str, dict[str, Any]] = {}
    for rec in demo["leads"]:
        lead = Lead.model_validate({**rec, "monthly_rent": rents.get(rec.get("unit_id"))})
        docs = [
            analyse_file(f"{lead.id}-{i}", d["file_name"], d["file_type"], demo_dir / d["path"])
            for i, d in enumerate(rec["documents"])
        ]
        reused = {d.sha256: sorted(owners.get(d.sha256, set()) - {lead.id}) for d in docs}
        extraction = provider.extract_sync(lead, build_document_set(lead, docs, reused))
        r = score(extraction.facts, extraction.signals, policy, _profile(policy, demo, rec))
        out[lead.id] = {
            "status": "complete", "score": r.score, "label": r.label, "recommendation": r.recommendation,
            "signals": sorted({f"{x.code}:{x.severity}" for x in extraction.signals}),
            # read by OCR here; the worker has no OCR (it sends such images to a vision model)
            "ocr": sorted(d.file_name for d in docs if d.metadata.get("text_layer") == "ocr"
                          and d.kind in ("paystub", "bank_statement", "employment_letter")),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="leaselab-parity-"))
    with run_worker_dev(work) as server:
        if server.demo_dir is None:
            print("the demo generator did not run; nothing to compare", file=sys.stderr)
            return 2
        ts = worker_results(server)
        py = python_results(server.demo_dir)
    differ = ocr_only = 0
    for lead in sorted(py):
        a, b = ts.get(lead, {}), py[lead]
        same = all(a.get(k) == b[k] for k in ("status", "score", "label", "recommendation", "signals"))
        # A lead whose documents only Python can read (OCR) may differ; it is shown, not failed.
        explained = not same and bool(b["ocr"])
        differ += not same and not explained
        ocr_only += explained
        mark = "ok  " if same else ("OCR " if explained else "DIFF")
        print(f"{mark} {lead}: worker {a.get('score')} {a.get('label')} {a.get('recommendation')} | "
              f"python {b['score']} {b['label']} {b['recommendation']}")
        if not same:
            print(f"     worker signals {a.get('signals')}\n     python signals {b['signals']}")
        if explained:
            print(f"     read by OCR in Python only: {', '.join(b['ocr'])}")
    print(f"{len(py) - differ - ocr_only} same, {differ} different, {ocr_only} differ only where Python read a "
          "photo by OCR (the worker has none)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
