"""The single-instance engine lock: msvcrt on Windows, fcntl elsewhere. The Windows path runs here
with a fake msvcrt that keeps Windows' rules; both paths run for real on their OS in CI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from leaselab_desktop.engine.errors import EngineLocked
from leaselab_desktop.engine.lock import DatabaseLock


class FakeMsvcrt:
    """msvcrt.locking as Windows applies it: a byte-range lock per open file, taken at the file's
    current position; locking a range another handle holds fails (EDEADLOCK, "Resource deadlock
    avoided"), and unlocking a range this handle does not hold fails (EACCES)."""

    LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4

    def __init__(self) -> None:
        self.held: dict[tuple[int, int, int], int] = {}  # (dev, inode, offset) -> fd holding it
        self.calls: list[tuple[int, int, int]] = []  # (mode, offset, nbytes)

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        self.calls.append((mode, offset, nbytes))
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino, offset)
        if mode == self.LK_NBLCK:
            if key in self.held:
                raise OSError(36, "Resource deadlock avoided")
            self.held[key] = fd
        elif mode == self.LK_UNLCK:
            if self.held.get(key) != fd:
                raise PermissionError(13, "Permission denied")
            del self.held[key]
        else:
            raise AssertionError(f"mode {mode} would block or share the lock")


def test_windows_lock_with_injected_msvcrt(tmp_path: Path) -> None:
    msvcrt = FakeMsvcrt()
    db = tmp_path / "engine.sqlite3"
    first = DatabaseLock(db, platform="win32", lock_module=msvcrt)
    second = DatabaseLock(db, platform="win32", lock_module=msvcrt)
    first.acquire()
    assert first.path.read_text(encoding="utf-8") == str(os.getpid())
    with pytest.raises(EngineLocked, match=f"process {os.getpid()}"):
        second.acquire()
    first.release()  # the pid written after locking moved the position: unlock must seek back
    second.acquire()
    second.release()
    assert msvcrt.held == {}
    assert all(offset == 0 and nbytes == 1 for _, offset, nbytes in msvcrt.calls)
    modes = [mode for mode, _, _ in msvcrt.calls]
    assert modes == [2, 2, 0, 2, 0]  # lock, refused lock, unlock, lock, unlock: never a blocking lock


def test_posix_lock_with_injected_fcntl(tmp_path: Path) -> None:
    calls: list[int] = []

    class FakeFcntl:
        LOCK_EX, LOCK_NB, LOCK_UN = 2, 4, 8

        def flock(self, fd: int, op: int) -> None:
            calls.append(op)

    lock = DatabaseLock(tmp_path / "engine.sqlite3", platform="darwin", lock_module=FakeFcntl())
    lock.acquire()
    lock.release()
    assert calls == [2 | 4, 8]  # exclusive and non-blocking: a second copy is refused, never waits


def test_real_lock_refuses_a_second_engine_in_this_process(tmp_path: Path) -> None:
    db = tmp_path / "engine.sqlite3"
    first, second = DatabaseLock(db), DatabaseLock(db)
    first.acquire()
    try:
        with pytest.raises(EngineLocked, match="another running copy"):
            second.acquire()
    finally:
        first.release()
    second.acquire()
    second.release()


def test_real_lock_refuses_another_process_and_is_freed_when_it_dies(tmp_path: Path) -> None:
    db = tmp_path / "engine.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from pathlib import Path
            from leaselab_desktop.engine.lock import DatabaseLock
            lock = DatabaseLock(Path({str(db)!r}))  # kept: a collected lock closes its file
            lock.acquire()
            print("locked", flush=True)
            sys.stdin.read()  # hold it until the test closes our stdin
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(EngineLocked):
            DatabaseLock(db).acquire()
    finally:
        holder.kill()  # no release(): the OS must drop the lock of a dead process
        holder.communicate(timeout=30)
    lock = DatabaseLock(db)
    # Windows frees a dead process's locks "depending on available system resources": allow 10 s.
    deadline = time.monotonic() + 10
    while True:
        try:
            lock.acquire()
            break
        except EngineLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    lock.release()
