"""Data files are never recreated over data; backups before migrations; backup/restore round trip."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from leaselab_desktop import cli
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.store import Database
from leaselab_desktop.store.migrate import load_migrations, migrate
from tests.faults.file_keyring import subprocess_env, use_in_this_process


async def _demo_data(data: Path, *, evaluate: bool = False) -> Paths:
    paths = Paths(data)
    backend = await LocalBackend.open(paths)
    try:
        if evaluate:
            ticket = await backend.start_evaluation("lead_demo_01")
            async for _ in backend.watch_run(ticket.run_id):
                pass
    finally:
        await backend.aclose()
    return paths


def _drop_wal(db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)


def _cli(data: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _lead_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT id FROM leads ORDER BY id")]


async def test_empty_store_beside_documents_is_refused_not_replaced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = await _demo_data(tmp_path / "data")
    docs_before = sorted(p.name for p in paths.files_dir.rglob("*") if p.is_file())
    assert docs_before
    paths.database.write_bytes(b"")
    _drop_wal(paths.database)
    code, _, err = await _in_thread(_cli, paths.data_dir, "leads", capsys=capsys)
    assert code == 2
    assert "is empty (0 bytes)" in err and "document file(s)" in err and "restore" in err
    assert "Traceback" not in err
    assert paths.database.stat().st_size == 0  # left as found: no fresh demo database over it
    assert sorted(p.name for p in paths.files_dir.rglob("*") if p.is_file()) == docs_before


async def test_schemaless_store_beside_data_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = await _demo_data(tmp_path / "data")
    paths.database.unlink()
    _drop_wal(paths.database)
    with sqlite3.connect(paths.database) as c:  # a valid SQLite file with no tables in it
        c.execute("CREATE TABLE t(a)")
        c.execute("DROP TABLE t")
    code, _, err = await _in_thread(_cli, paths.data_dir, "leads", capsys=capsys)
    assert code == 2 and "holds no LeaseLab tables" in err


async def test_empty_engine_database_beside_runs_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = await _demo_data(tmp_path / "data", evaluate=True)
    paths.engine_database.write_bytes(b"")
    _drop_wal(paths.engine_database)
    code, _, err = await _in_thread(_cli, paths.data_dir, "leads", capsys=capsys)
    assert code == 2
    assert "workflow database" in err and "is empty (0 bytes)" in err and "1 evaluation run(s)" in err
    assert paths.engine_database.stat().st_size == 0


async def test_damaged_engine_database_gives_a_message_without_traceback(tmp_path: Path) -> None:
    use_in_this_process(tmp_path / "keys.json")  # the CLI subprocess reads the same keyring
    paths = await _demo_data(tmp_path / "data")
    paths.engine_database.write_bytes(b"this is not a database at all" * 100)
    _drop_wal(paths.engine_database)
    proc = subprocess.run(
        [sys.executable, "-m", "leaselab_desktop", "--data-dir", str(paths.data_dir), "leads"],
        capture_output=True, text=True, timeout=120,
        env=subprocess_env(tmp_path / "keys.json", PYTHONWARNINGS="ignore"))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "workflow database" in proc.stderr and "left untouched" in proc.stderr


def test_store_is_backed_up_before_a_migration(tmp_path: Path) -> None:
    db_path = tmp_path / "old.sqlite3"
    first = load_migrations()[:1]
    with sqlite3.connect(db_path, isolation_level=None) as conn:
        migrate(conn, first)
        conn.execute("INSERT INTO sites (id, name, tier, created_at) VALUES ('s','S','free','2026-01-01')")
    conn.close()
    Database.open(db_path).close()
    backups = list((tmp_path / "backups").glob("old-before-migration-*.sqlite3"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as b:  # the copy is the database as it was before
        assert [r[0] for r in b.execute("SELECT version FROM schema_migrations")] == [1]
        assert b.execute("SELECT id FROM sites").fetchall() == [("s",)]
    Database.open(db_path).close()  # nothing pending: no second backup
    assert len(list((tmp_path / "backups").iterdir())) == 1


async def test_backup_and_restore_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = await _demo_data(tmp_path / "data", evaluate=True)
    leads_then = _lead_ids(paths.database)
    bk = tmp_path / "bk"
    code, out, err = await _in_thread(_cli, paths.data_dir, "backup", str(bk), capsys=capsys)
    assert code == 0, err
    assert "leaselab.sqlite3" in out and (bk / "leaselab-backup.json").is_file()
    code, _, err = await _in_thread(_cli, paths.data_dir, "backup", str(bk), capsys=capsys)
    assert code == 2 and "not an empty folder" in err  # never writes over an earlier backup

    with sqlite3.connect(paths.database) as c:  # later changes, to be undone by the restore
        c.execute("PRAGMA foreign_keys=OFF")
        c.execute("DELETE FROM leads WHERE id = 'lead_demo_02'")
    c.close()
    changed = _lead_ids(paths.database)
    assert changed != leads_then

    code, _, err = await _in_thread(_cli, paths.data_dir, "restore", str(bk), capsys=capsys)
    assert code == 2 and "--replace" in err
    assert _lead_ids(paths.database) == changed  # refused: nothing touched

    code, out, err = await _in_thread(_cli, paths.data_dir, "restore", str(bk), "--replace", capsys=capsys)
    assert code == 0, err
    assert _lead_ids(paths.database) == leads_then
    kept = [p for p in paths.data_dir.iterdir() if p.name.startswith("replaced-")]
    assert len(kept) == 1 and _lead_ids(kept[0] / "leaselab.sqlite3") == changed
    code, out, err = await _in_thread(_cli, paths.data_dir, "leads", capsys=capsys)
    assert code == 0 and "lead_demo_02" in out
    with sqlite3.connect(paths.database) as c:
        assert c.execute("SELECT count(*) FROM ai_workflow_runs").fetchone()[0] == 1


async def _in_thread(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """cli.main runs its own event loop: call it off this test's loop."""
    import asyncio

    return await asyncio.to_thread(fn, *args, **kwargs)


async def test_restore_refuses_while_the_app_runs_on_the_folder(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    paths = await _demo_data(tmp_path / "data")
    bk = tmp_path / "bk"
    code, _, err = await _in_thread(_cli, paths.data_dir, "backup", str(bk), capsys=capsys)
    assert code == 0, err
    running = await LocalBackend.open(paths)  # holds the engine's lock, as a running console does
    try:
        code, _, err = await _in_thread(_cli, paths.data_dir, "restore", str(bk), "--replace", capsys=capsys)
    finally:
        await running.aclose()
    assert code == 2 and "in use by another running copy" in err and "Nothing was restored" in err
    assert not [p for p in paths.data_dir.iterdir() if p.name.startswith("replaced-")]
