"""One engine per database file: an OS lock on ``<db>.lock``, released by the OS if the
process dies. A second engine (another copy of the app, or a second engine in this process)
on the same file is refused instead of running the same instances twice."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from leaselab_desktop.engine.errors import EngineLocked

LockFn = Callable[[IO[str]], None]


def os_lock(platform: str | None = None, module: Any = None) -> tuple[LockFn, LockFn]:
    """(lock, unlock) for the OS: ``msvcrt.locking`` on Windows, ``fcntl.flock`` elsewhere.
    ``platform`` and ``module`` are injectable, so the Windows path runs in tests on any OS."""
    if (platform or sys.platform) == "win32":
        msvcrt = module or importlib.import_module("msvcrt")

        # msvcrt locks bytes from the current position: always byte 0, for lock and unlock alike
        # (an unlock at another offset fails, and the pid written after locking moves the position).
        def lock_win(fh: IO[str]) -> None:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

        def unlock_win(fh: IO[str]) -> None:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

        return lock_win, unlock_win

    fcntl = module or importlib.import_module("fcntl")

    def lock_posix(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock_posix(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    return lock_posix, unlock_posix


class DatabaseLock:
    def __init__(self, db_path: Path, platform: str | None = None, lock_module: Any = None) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fh: IO[str] | None = None
        self._lock, self._unlock = os_lock(platform, lock_module)

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            self._lock(fh)
        except OSError:
            holder = "unknown"
            with contextlib.suppress(OSError):  # Windows refuses to read a byte another process locked
                fh.seek(0)
                holder = fh.read().strip() or holder
            fh.close()
            raise EngineLocked(
                f"The workflow database {self.path.with_suffix('')} is in use by another running "
                f"copy of LeaseLab Desktop (process {holder}). Close it first: only one copy may "
                "run evaluations from the same data folder."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            try:
                self._unlock(self._fh)
            finally:
                self._fh.close()
                self._fh = None
