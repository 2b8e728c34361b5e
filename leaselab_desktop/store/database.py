"""The SQLite database of the local backend.

WAL mode. All writes run on one writer thread (each call is one transaction), all reads on a reader
thread with its own connection, so the event loop (and the GUI thread under qasync) never waits on
disk or fsync.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from leaselab_desktop.store.migrate import StoreError, migrate

T = TypeVar("T")


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def open_checked(path: Path) -> sqlite3.Connection:
    """Open and migrate; a damaged or foreign file gives a StoreError and is left untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(check)
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"The database {path} is damaged or is not a LeaseLab database ({exc}). It was left "
            f"untouched; move it away or start with another --data-dir."
        ) from exc
    try:
        migrate(conn)
    except Exception:
        conn.close()
        raise
    return conn


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-reader")
        self._closed = False

    @classmethod
    def open(cls, path: Path) -> Database:
        """Synchronous open + migrate (call it off the GUI thread: ``asyncio.to_thread``)."""
        db = cls(path)
        try:
            db._writer.submit(db._init_writer).result()
        except BaseException:
            db.close()
            raise
        return db

    def _init_writer(self) -> None:
        self._local.conn = open_checked(self.path)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn

    def _in_tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return fn(self._conn())

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` in one transaction on the writer thread."""
        self._check_open()
        return await asyncio.wrap_future(self._writer.submit(self._in_tx, fn))

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self._check_open()
        return await asyncio.wrap_future(self._reader.submit(self._read, fn))

    def write_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self._check_open()
        return self._writer.submit(self._in_tx, fn).result()

    def read_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self._check_open()
        return self._reader.submit(self._read, fn).result()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("The database is closed")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for ex in (self._writer, self._reader):
            with contextlib.suppress(RuntimeError):
                ex.submit(self._close_conn).result()
            ex.shutdown(wait=True)

    def _close_conn(self) -> None:
        conn: Any = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
