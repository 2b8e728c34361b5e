"""Deterministic demo dataset: one site, 3 properties with units, 18 leads and their documents.

    python resources/demo/generator.py OUT_DIR

or ``generate_demo(Path(out_dir)) -> DemoManifest``. Fixed dates, no randomness without a fixed
seed, reportlab in invariant mode: running it twice gives byte-identical files (same library
versions). Writes ``OUT_DIR/demo.json`` (site, properties, units, leads with snake_case schema
columns and their ``documents``, the crafted ``cases``) and ``OUT_DIR/files/{lead_id}/*``.
"""


import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

DEMO_VERSION = 1
_HERE = Path(__file__).resolve().parent


def _sibling(name: str) -> ModuleType:
    """Import a module next to this file whether run as a script or imported by path/package."""
    key = f"_leaselab_demo_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, _HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


people = _sibling("people")
pdfdocs = _sibling("pdfdocs")
images = _sibling("images")
builders = _sibling("builders")


@dataclass
class DemoCase:
    lead_id: str
    case: str
    expected_signals: list[str]
    allowed_signals: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class DemoManifest:
    out_dir: Path
    demo_json: Path
    site_id: str
    lead_ids: list[str]
    cases: list[DemoCase]  # every lead: crafted ones have expected_signals, clean ones none
    files: dict[str, str]  # relative path -> sha256

    @property
    def fraud_cases(self) -> list[DemoCase]:
        return [c for c in self.cases if c.expected_signals]

    @property
    def clean_lead_ids(self) -> list[str]:
        return [c.lead_id for c in self.cases if c.case.startswith("clean")]


def _ts(day: str, hh: int = 9, mm: int = 0) -> str:
    return f"{day}T{hh:02d}:{mm:02d}:00.000Z"


def _lead_record(p: Any) -> dict[str, Any]:
    created = date(2026, 11, 2) + timedelta(days=p.n % 12)
    if p.stated_monthly is not None:
        stated = p.stated_monthly
    elif p.hourly:
        stated = round(p.hourly * p.hours * 26 / 12 * p.stated_factor, 2)
    elif p.annual:
        stated = round(p.annual / 12 * p.stated_factor, 2)
    else:
        stated = None
    unit = next(u for u in people.UNITS if u[0] == p.unit)
    return {
        "id": p.lead_id,
        "site_id": people.SITE["id"],
        "property_id": unit[1],
        "unit_id": unit[0],
        "first_name": p.first,
        "last_name": p.last,
        "email": f"{builders.ascii_fold(p.first).lower()}.{builders.ascii_fold(p.last).lower()}"
        "@example.com",
        "phone": f"416-555-01{p.n:02d}",
        "current_address": f"{100 + p.n * 7} Demo Street, Unit {p.n}, Toronto, ON",
        "employment_status": p.employment_status,
        "employer": p.employer,
        "employment_start_date": _ts(p.start, 0) if p.start else None,
        "monthly_income": stated,
        "move_in_date": _ts("2026-12-01" if p.n % 2 else "2027-01-01", 0),
        "message": p.message or None,
        "status": p.status,
        "ai_score": None,
        "ai_label": None,
        "landlord_note": None,
        "is_active": True,
        "created_at": _ts(created.isoformat(), 10, p.n),
        "updated_at": _ts(created.isoformat(), 15, p.n),
    }


def generate_demo(out_dir: Path) -> DemoManifest:
    out_dir = Path(out_dir)
    files_dir = out_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    built: dict[int, list[tuple[str, str, bytes]]] = {}
    for p in people.PEOPLE:
        built[p.n] = builders.documents_for(p)
    builders.apply_cross_lead_cases(people.PEOPLE, built)

    leads: list[dict[str, Any]] = []
    hashes: dict[str, str] = {}
    cases: list[DemoCase] = []
    for p in people.PEOPLE:
        record = _lead_record(p)
        record["documents"] = []
        for file_name, file_type, data in built[p.n]:
            rel = f"files/{p.lead_id}/{file_name}"
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            hashes[rel] = sha
            record["documents"].append(
                {"file_name": file_name, "file_type": file_type, "path": rel, "size": len(data),
                 "sha256": sha, "mime_type": builders.mime_of(file_name)}
            )
        leads.append(record)
        cases.append(DemoCase(p.lead_id, p.case, list(p.expected), list(p.allowed), p.note))

    units = [
        {"id": uid, "property_id": prop, "site_id": people.SITE["id"], "name": name,
         "bedrooms": beds, "monthly_rent": rent, "is_occupied": occ,
         "created_at": people.SITE["created_at"]}
        for uid, prop, name, beds, rent, occ in people.UNITS
    ]
    properties = [
        {**prop, "site_id": people.SITE["id"], "created_at": people.SITE["created_at"]}
        for prop in people.PROPERTIES
    ]
    doc = {
        "version": DEMO_VERSION,
        "site": people.SITE,
        "properties": properties,
        "units": units,
        "leads": leads,
        "cases": [c.__dict__ for c in cases],
    }
    demo_json = out_dir / "demo.json"
    demo_json.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return DemoManifest(
        out_dir=out_dir, demo_json=demo_json, site_id=str(people.SITE["id"]),
        lead_ids=[lead["id"] for lead in leads], cases=cases, files=hashes,
    )


def load_cases(demo_json: Path) -> list[DemoCase]:
    raw = json.loads(Path(demo_json).read_text(encoding="utf-8"))
    return [DemoCase(**c) for c in raw["cases"]]


def detection_figures(
    cases: Iterable[DemoCase], signals_by_lead: Mapping[str, Iterable[Any]]
) -> dict[str, Any]:
    """Benchmark figures from each lead's signals (objects with .code/.severity or dicts).

    A crafted case is flagged when every expected code is present. A false flag is a medium/high
    signal whose code is neither expected nor allowed for its lead (on clean leads: any).
    """

    def _get(s: Any, key: str) -> str:
        return str(s.get(key) if isinstance(s, Mapping) else getattr(s, key))

    total = flagged = false_flags = 0
    missed: list[str] = []
    false: list[str] = []
    for case in cases:
        sigs = list(signals_by_lead.get(case.lead_id, []))
        codes = {_get(s, "code") for s in sigs}
        if case.expected_signals:
            total += 1
            if set(case.expected_signals) <= codes:
                flagged += 1
            else:
                missed.append(f"{case.lead_id}:{case.case}")
        ok = set(case.expected_signals) | set(case.allowed_signals)
        for s in sigs:
            if _get(s, "severity") in ("medium", "high") and _get(s, "code") not in ok:
                false_flags += 1
                false.append(f"{case.lead_id}:{_get(s, 'code')}")
    return {
        "fraud_cases_total": total,
        "fraud_cases_flagged": flagged,
        "clean_docs_false_flags": false_flags,
        "missed": missed,
        "false_flags": false,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: generator.py OUT_DIR", file=sys.stderr)
        return 2
    manifest = generate_demo(Path(args[0]))
    print(f"wrote {manifest.demo_json} ({len(manifest.lead_ids)} leads, {len(manifest.files)} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
