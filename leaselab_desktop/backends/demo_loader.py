"""Loads the demo dataset (resources/demo) into an empty local store on first start."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

from leaselab_desktop.domain.models import LeadFile
from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.documents.filestore import FileStore
from leaselab_desktop.store import files as files_repo
from leaselab_desktop.store import seed
from leaselab_desktop.store.leads import now_iso

_lock = threading.Lock()
_generated: Path | None = None  # one generation per process; tests open many data dirs


def _generator() -> ModuleType:
    path = resources_dir() / "demo" / "generator.py"
    spec = importlib.util.spec_from_file_location("leaselab_demo_generator", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"Demo generator not found at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def demo_source() -> Path:
    global _generated
    with _lock:
        if _generated is None or not (_generated / "demo.json").exists():
            out = Path(tempfile.mkdtemp(prefix="leaselab-demo-"))
            _generator().generate_demo(out)
            _generated = out
            import atexit

            atexit.register(shutil.rmtree, out, True)
        return _generated


_SITE_COLS = ("id", "name", "tier", "policy_profile")
_LEAD_COLS = (
    "id", "property_id", "unit_id", "first_name", "last_name", "email", "phone", "current_address",
    "employment_status", "employer", "employment_start_date", "monthly_income", "move_in_date",
    "message", "status", "landlord_note", "created_at", "updated_at",
)


def load_demo(conn: sqlite3.Connection, files: FileStore, source: Path | None = None) -> int:
    """Insert the demo site into an empty database; returns the number of leads loaded."""
    source = source or demo_source()
    data: dict[str, Any] = json.loads((source / "demo.json").read_text(encoding="utf-8"))
    ts = now_iso()
    site = data["site"]
    site_id = site["id"]
    seed.insert_site(conn, site, ts)
    for p in data.get("properties", []):
        seed.insert_property(conn, site_id, p, ts)
        for u in p.get("units", []):
            seed.insert_unit(conn, site_id, p["id"], u, ts)
    for u in data.get("units", []):
        seed.insert_unit(conn, site_id, u["property_id"], u, ts)
    for lead in data["leads"]:
        row = {c: lead.get(c) for c in _LEAD_COLS}
        row["status"] = row["status"] or "documents_received"
        row["created_at"] = row["created_at"] or ts
        row["updated_at"] = row["updated_at"] or row["created_at"]
        seed.insert_lead_row(conn, site_id, row)
        for doc in lead.get("documents", []):
            blob = (source / doc["path"]).read_bytes()
            stored = files.put(lead["id"], doc["file_name"], blob)
            files_repo.insert_file(conn, site_id, LeadFile(
                id=f"file_{stored.sha256[:10]}_{lead['id'][-6:]}", lead_id=lead["id"],
                file_type=doc.get("file_type", "other"), file_name=doc["file_name"], file_size=stored.size,
                mime_type=doc.get("mime_type"), r2_key=stored.key, sha256=stored.sha256, md5=stored.md5,
                uploaded_at=lead.get("created_at") or ts,  # type: ignore[arg-type]
            ))
    return len(data["leads"])


def load_demo_if_empty(conn: sqlite3.Connection, files: FileStore) -> int:
    """Load the demo into a store that has no site yet; returns how many leads were loaded."""
    if seed.site_count(conn):
        return 0
    return load_demo(conn, files)
