"""The engine's file: damaged or foreign files, newer schema versions, retention."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from engine_helpers import FnFlow, until

from leaselab_desktop.engine import (
    Engine,
    EngineDatabaseError,
    EngineLocked,
    EngineSchemaTooNew,
    InstanceNotFound,
    ManualClock,
)
from leaselab_desktop.engine.schema import SCHEMA_VERSION


async def echo(event, step):
    return await step.do("echo", lambda: event.payload)


async def _fill(db: Path, n: int) -> None:
    engine = Engine(db, {"wf": FnFlow(echo)})
    await engine.start()
    hs = await engine.workflow("wf").create_batch([{"params": "p" * 500} for _ in range(n)])
    for h in hs:
        await h.wait(timeout=5)
    await engine.close()


async def _refused(db: Path, match: str, cls: type[Exception] = EngineDatabaseError) -> str:
    before = db.read_bytes()
    engine = Engine(db, {"wf": FnFlow(echo)})
    with pytest.raises(cls, match=match) as info:
        await engine.start()
    await engine.close()
    assert db.read_bytes() == before, "the damaged file must be kept as it was"
    message = str(info.value)
    assert str(db) in message and "left untouched" in message
    return message


async def test_garbage_file(tmp_path: Path) -> None:
    db = tmp_path / "garbage.db"
    db.write_bytes(os.urandom(16384))
    await _refused(db, "not an SQLite database|file is not a database")


async def test_truncated_header(tmp_path: Path) -> None:
    db = tmp_path / "short.db"
    await _fill(db, 3)
    db.write_bytes(db.read_bytes()[:60])
    await _refused(db, "cannot be used")


async def test_truncated_pages(tmp_path: Path) -> None:
    db = tmp_path / "cut.db"
    await _fill(db, 60)
    data = db.read_bytes()
    assert len(data) > 8 * 4096
    db.write_bytes(data[: len(data) // 2])
    await _refused(db, "cannot be used")


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    await _fill(db, 1)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    message = await _refused(db, "newer version of LeaseLab Desktop", EngineSchemaTooNew)
    assert f"engine schema {SCHEMA_VERSION + 1}" in message


async def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY)")
    conn.close()
    await _refused(db, "another program")


async def test_a_directory_is_refused(tmp_path: Path) -> None:
    engine = Engine(tmp_path, {"wf": FnFlow(echo)})
    with pytest.raises(EngineDatabaseError, match="not a regular file"):
        await engine.start()
    await engine.close()


async def test_fresh_and_reopened_file(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "dir" / "wf.db"
    await _fill(db, 2)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT count(*) FROM instances").fetchone() == (2,)
    conn.close()
    await _fill(db, 1)  # reopening keeps the data
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM instances").fetchone() == (3,)
    conn.close()


async def test_retention_purges_finished_instances(db_path: Path, make_engine) -> None:
    clock = ManualClock(auto=True)

    engine = await make_engine(
        {"wf": FnFlow(echo)}, clock=clock, retention_s=100,
        purge_interval_s=10_000,
    )
    old = await engine.workflow("wf").create(id="old")
    await old.wait(timeout=5)
    clock.advance(150)
    fresh = await engine.workflow("wf").create(id="fresh")
    await fresh.wait(timeout=5)
    assert await engine.purge() == 1
    with pytest.raises(InstanceNotFound):
        await engine.workflow("wf").get("old")
    assert (await fresh.status())["status"] == "complete"
    assert [s["name"] for s in await fresh.steps()] == ["echo"]
    await engine.close()

    clock.advance(1000)  # at start the next engine purges what has aged meanwhile
    engine2 = Engine(db_path, {"wf": FnFlow(echo)}, clock=clock, retention_s=100)
    await engine2.start()
    try:
        assert engine2.list_instances() == []
    finally:
        await engine2.close()


async def test_retention_runs_periodically_as_instances_finish(make_engine) -> None:
    clock = ManualClock(auto=True)
    engine = await make_engine(
        {"wf": FnFlow(echo)}, clock=clock, retention_s=100, purge_interval_s=50
    )
    wf = engine.workflow("wf")
    await (await wf.create(id="first")).wait(timeout=5)
    clock.advance(200)
    await (await wf.create(id="second")).wait(timeout=5)  # its finish triggers the purge
    await until(lambda: [r["id"] for r in engine.list_instances()] == ["second"])


async def test_one_engine_per_database_file(db_path: Path) -> None:
    first = Engine(db_path, {"wf": FnFlow(echo)})
    await first.start()
    second = Engine(db_path, {"wf": FnFlow(echo)})
    try:
        with pytest.raises(EngineLocked, match=r"in use by another running copy .*process \d+"):
            await second.start()
        await second.close()
    finally:
        await first.close()
    await second.start()  # free again once the first is closed
    try:
        h = await second.workflow("wf").create(params=5)
        assert (await h.wait(timeout=5))["output"] == 5
    finally:
        await second.close()
