"""Backups of the local data: before every migration, and on demand (``backup DIR`` / ``restore DIR``).

Databases are copied with SQLite's online backup API, so a copy taken while the app runs is a
consistent snapshot (a plain file copy of a WAL database can miss committed pages). Restoring never
deletes what it replaces: the current data is moved into ``replaced-<time>/`` inside the data folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.engine.errors import EngineLocked
from leaselab_desktop.engine.lock import DatabaseLock
from leaselab_desktop.sqlite_backup import online_backup, stamp
from leaselab_desktop.store.at_rest import KEY_ID_FILE
from leaselab_desktop.store.guard import DataLayout
from leaselab_desktop.store.migrate import StoreError

MANIFEST = "leaselab-backup.json"
_FORMAT = 1


class BackupError(StoreError):
    """A backup or restore could not be made; nothing was changed."""


class RestoreNeedsConfirmation(BackupError):
    """Restoring would replace existing data and the caller did not confirm it."""


@dataclass
class BackupSummary:
    folder: Path
    items: dict[str, str] = field(default_factory=dict)  # name -> what was copied

    def lines(self) -> list[str]:
        return [f"  {name}: {what}" for name, what in self.items.items()]


def _items(layout: DataLayout) -> list[tuple[str, Path, str]]:
    """(name in the backup, live path, kind) for everything a backup holds."""
    items = [("leaselab.sqlite3", layout.database, "db"), ("engine.sqlite3", layout.engine_database, "db"),
             ("files", layout.files_dir, "dir"), ("document-analyses", layout.analyses_dir, "dir")]
    if layout.settings_file is not None:
        items.append(("settings.json", layout.settings_file, "file"))
    # which keyring entry holds the documents' key (the key itself stays in the keyring)
    items.append((KEY_ID_FILE, layout.database.parent / KEY_ID_FILE, "file"))
    return items


def _copy_db(src: Path, dest: Path) -> str:
    try:
        with contextlib.closing(sqlite3.connect(f"{src.as_uri()}?mode=ro", uri=True)) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{src} is damaged ({check}); no backup was written. Restore an earlier one.")
            online_backup(conn, dest)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{src} cannot be read ({exc}); no backup was written.") from exc
    return f"database, {dest.stat().st_size:,} bytes"


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def backup_data(layout: DataLayout, folder: Path) -> BackupSummary:
    """Write a backup of the data in ``layout`` into ``folder`` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} already exists and is not an empty folder; choose a new folder for the backup.")
    if not layout.database.is_file() or layout.database.stat().st_size == 0:
        raise BackupError(f"There is no database to back up at {layout.database}.")
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    summary = BackupSummary(folder)
    try:
        for name, src, kind in _items(layout):
            if not src.exists():
                continue
            if kind == "db":
                summary.items[name] = _copy_db(src, staging / name)
            elif kind == "dir":
                shutil.copytree(src, staging / name)
                summary.items[name] = f"{_count(staging / name)} file(s)"
            else:
                shutil.copy2(src, staging / name)
                summary.items[name] = "copied"
        (staging / MANIFEST).write_text(json.dumps(
            {"format": _FORMAT, "created_at": datetime.now(UTC).isoformat(), "items": summary.items}, indent=2),
            encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _has_data(layout: DataLayout) -> bool:
    for _, path, kind in _items(layout):
        if kind == "dir" and path.is_dir() and any(path.iterdir()):
            return True
        if kind == "db" and path.is_file() and path.stat().st_size > 0:
            return True
    return False


def restore_data(layout: DataLayout, folder: Path, *, replace: bool = False) -> tuple[BackupSummary, Path | None]:
    """Put the backup in ``folder`` in place. Returns its summary and where the replaced data went.

    Existing data is only replaced when ``replace`` is given, and is then moved aside, not deleted.
    The app must not be running on this data folder meanwhile.
    """
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a LeaseLab backup (no readable {MANIFEST}): {exc}") from exc
    if manifest.get("format") != _FORMAT:
        raise BackupError(f"{folder} was written by another version of LeaseLab (format {manifest.get('format')}).")
    for name, _, kind in _items(layout):
        if kind == "db" and (folder / name).exists():
            try:
                with contextlib.closing(sqlite3.connect(f"{(folder / name).as_uri()}?mode=ro", uri=True)) as c:
                    check = c.execute("PRAGMA quick_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                check = str(exc)
            if check != "ok":
                raise BackupError(f"The backup's {name} is damaged ({check}); nothing was restored.")
    if not (folder / "leaselab.sqlite3").is_file():
        raise BackupError(f"{folder} holds no leaselab.sqlite3; nothing was restored.")
    # the engine's lock: no copy of LeaseLab may be running on this data folder meanwhile
    lock = DatabaseLock(layout.engine_database)
    try:
        lock.acquire()
    except EngineLocked as exc:
        raise BackupError(f"{exc} Nothing was restored.") from None
    try:
        return _put_in_place(layout, folder, manifest, replace)
    finally:
        lock.release()


def _put_in_place(layout: DataLayout, folder: Path, manifest: dict[str, Any], replace: bool
                  ) -> tuple[BackupSummary, Path | None]:
    moved_to: Path | None = None
    if _has_data(layout):
        if not replace:
            raise RestoreNeedsConfirmation(
                f"The data folder {layout.database.parent} already holds data. Restoring replaces it; "
                "run the command again with --replace to do so (what is there now is kept in a "
                "'replaced-<time>' folder inside it).")
        moved_to = layout.database.parent / f"replaced-{stamp()}"
        moved_to.mkdir(parents=True)
        for name, path, _ in _items(layout):
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                if p.exists():
                    os.replace(p, moved_to / (name + p.name[len(path.name):]))
    summary = BackupSummary(folder, dict(manifest.get("items") or {}))
    for name, path, kind in _items(layout):
        src = folder / name
        if not src.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "dir":
            shutil.copytree(src, path)
        else:
            shutil.copy2(src, path)
    return summary, moved_to
