"""Root fixtures: every test gets its own data dir and an in-memory keyring, and no test may leave
anything running behind it: a thread (daemon ones too: the engine's writer and ThreadedBackend's
loop are daemon threads, and a leaked one keeps a database open), an active Qt timer, or a pending
asyncio task. Each check fails the test at teardown, naming what was left."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from leaselab_desktop.secrets import MemoryKeyring

THREAD_GRACE_S = 2.0  # a thread told to stop during teardown gets this long to finish


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("LEASELAB_DATA_DIR", str(data))
    return data


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring(secure=True)
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def leftover_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since ``before`` that still run. Threads Python did not start (Qt's, seen as
    ``_DummyThread`` once they call into Python) are not ours to join and are skipped."""
    return [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)
    ]  # fmt: skip


def active_qt_timers(parentless: bool = True) -> list[Any]:
    """Active QTimers after deferred deletes ran: those in the application's and its top-level
    widgets' object trees, and parentless ones the garbage collector still tracks (a Python
    attribute holding a ``QTimer()``). Empty when Qt was never imported (the Qt-free suites)."""
    if "PySide6.QtCore" not in sys.modules:
        return []
    from leaselab_desktop.gui.qt import QtCore, QtWidgets

    app = QtCore.QCoreApplication.instance()
    if app is None:
        return []
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    roots: list[Any] = [app]
    if isinstance(app, QtWidgets.QApplication):
        roots += QtWidgets.QApplication.topLevelWidgets()
    found = {id(t): t for root in roots for t in root.findChildren(QtCore.QTimer)}
    if parentless:  # ~20 ms, so only for tests that use Qt
        found.update((id(o), o) for o in gc.get_objects() if isinstance(o, QtCore.QTimer))
    active = []
    for t in found.values():
        try:
            if t.isActive():
                active.append(t)
        except RuntimeError:  # its C++ object is already deleted
            continue
    return active


_THREADS_BEFORE = pytest.StashKey[set[threading.Thread]]()
# Threads that a module-, class- or session-scoped fixture started while setting up: they belong to
# that fixture's scope (outliving the test that happened to set it up), not to a test.
_WIDER_SCOPE_THREADS: set[threading.Thread] = set()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Iterator[Any]:
    before = set(threading.enumerate())
    try:
        return (yield)
    finally:
        if fixturedef.scope != "function":
            _WIDER_SCOPE_THREADS.update(set(threading.enumerate()) - before)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_THREADS_BEFORE] = set(threading.enumerate())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After every fixture tore down (the event loop too, whose executor threads then end): a hook,
    not a fixture, so no fixture can be finalised after the check."""
    result = yield
    before = item.stash.get(_THREADS_BEFORE, set()) | _WIDER_SCOPE_THREADS
    deadline = time.monotonic() + THREAD_GRACE_S
    extra = leftover_threads(before)
    while extra and time.monotonic() < deadline:
        time.sleep(0.02)
        extra = leftover_threads(before)
    timers = active_qt_timers(parentless="qapp" in getattr(item, "fixturenames", ()) or "gui" in item.path.parts)
    for t in timers:
        t.stop()
    problems = []
    if extra:
        names = [t.name + (" (daemon)" if t.daemon else "") for t in extra]
        problems.append(f"{len(extra)} thread(s) running: {names}")
    if timers:
        problems.append(f"{len(timers)} active Qt timer(s): {[_timer_name(t) for t in timers]}")
    if problems:
        pytest.fail("test left " + "; ".join(problems), pytrace=False)
    return result


def _timer_name(timer: Any) -> str:
    return f"{timer.objectName() or 'unnamed'} ({timer.interval()} ms) on {type(timer.parent()).__name__}"


PACKAGE_DIR = str(Path(__file__).resolve().parents[1] / "leaselab_desktop")


def _finalised_generator(task: asyncio.Task[Any]) -> Any:
    """The async generator whose ``aclose()`` this task is (the loop schedules one when an
    unclosed generator is garbage-collected), else None."""
    gens = [g for g in gc.get_referents(task.get_coro()) if hasattr(g, "ag_code")]
    return gens[0] if gens else None


def _describe(task: asyncio.Task[Any]) -> str:
    gen = _finalised_generator(task)
    if gen is None:
        return repr(task.get_coro())
    code = gen.ag_code
    return f"aclose() of the unclosed async generator {code.co_qualname} ({code.co_filename}:{code.co_firstlineno})"


def _unclosed_own_generators(tasks: list[asyncio.Task[Any]]) -> list[asyncio.Task[Any]]:
    """Finalisers of this package's generators: a caller that stops iterating must close them
    (``contextlib.aclosing``), or their cleanup runs whenever the GC happens to collect them."""
    return [t for t in tasks if (g := _finalised_generator(t)) is not None
            and g.ag_code.co_filename.startswith(PACKAGE_DIR)]


def leftover_tasks(loop: asyncio.AbstractEventLoop | None = None) -> list[asyncio.Task[Any]]:
    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return []
    if loop.is_closed():
        return []
    current = asyncio.current_task(loop) if loop.is_running() else None
    return [t for t in asyncio.all_tasks(loop) if not t.done() and t is not current]


@pytest.fixture(autouse=True)
def _no_leftover_asyncio_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail an async test whose tasks outlive it (after its fixtures' own teardown ran): the
    runner would otherwise cancel them silently when it closes the loop. An async generator of
    this package left unclosed counts too (its finaliser task is what is pending)."""
    if request.node.get_closest_marker("asyncio") is None:
        yield
        return
    try:
        runner = request.getfixturevalue("_function_scoped_runner")  # set up first, closed last
    except pytest.FixtureLookupError:
        yield
        return
    loop = runner.get_loop()
    finalised: list[str] = []
    hook = getattr(loop, "_asyncgen_finalizer_hook", None)  # asyncio's (private) GC finaliser hook
    if hook is not None:

        def spy(agen: Any) -> None:
            code = agen.ag_code
            if code.co_filename.startswith(PACKAGE_DIR):
                finalised.append(f"{code.co_qualname} ({Path(code.co_filename).name}:{code.co_firstlineno})")
            hook(agen)

        loop._asyncgen_finalizer_hook = spy  # type: ignore[attr-defined]  # read when the loop starts
    yield
    if finalised:
        pytest.fail(f"async generator(s) of the app left for the GC to close (close them: contextlib.aclosing): "
                    f"{finalised[:5]}", pytrace=False)
    left = _unclosed_own_generators(leftover_tasks(loop))
    if not left and not loop.is_closed() and leftover_tasks(loop):
        # Third-party generators (httpx's response stream) are only ever closed by their
        # finaliser: give those tasks a few loop turns to finish; what is still pending leaked.
        for _ in range(5):
            loop.run_until_complete(asyncio.sleep(0))
        left = leftover_tasks(loop)
    if left:
        names = ", ".join(_describe(t) for t in left[:5])
        for t in left:
            t.cancel()
        pytest.fail(f"test left {len(left)} asyncio task(s) pending: {names}", pytrace=False)
