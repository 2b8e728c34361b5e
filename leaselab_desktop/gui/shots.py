"""What every ``--screenshot`` picture needs: let Qt settle, wait for a state, save a widget as PNG.
One copy for the main window's, the workspace's, the viewer's and the comparison's pictures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from leaselab_desktop.gui.qt import QtWidgets

log = logging.getLogger(__name__)


async def settle(ms: int = 120) -> None:
    """Let layouts, paints and queued tasks run (awaiting, never a nested loop)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + ms / 1000
    while loop.time() < end:
        QtWidgets.QApplication.sendPostedEvents()
        await asyncio.sleep(0.01)


async def wait_for(predicate: Callable[[], Any], timeout: float = 30.0) -> bool:
    """True once ``predicate()`` holds; False after ``timeout`` seconds (the picture is taken anyway)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            return False
        await asyncio.sleep(0.02)
    return True


def save(widget: QtWidgets.QWidget, path: Path) -> Path:
    pixmap = widget.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write screenshot {path}")
    log.info("screenshot %s", path)
    return path
