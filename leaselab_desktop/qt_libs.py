"""Before Qt starts on a Linux desktop: the libraries its xcb platform plugin needs.

Qt 6.5+ loads ``libxcb-cursor``, ``libxcb-icccm``, ``libxcb-keysyms`` and ``libxkbcommon-x11``
from the system, and minimal desktops lack them; Qt then aborts with "could not load the Qt
platform plugin xcb", which names none of them. This check runs first and prints the exact install
command instead. Qt-free on purpose: it must run before Qt is imported.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from leaselab_desktop.platforms import family

# (name for find_library, Debian/Ubuntu package, Fedora package)
REQUIRED: tuple[tuple[str, str, str], ...] = (
    ("xcb-cursor", "libxcb-cursor0", "xcb-util-cursor"),
    ("xcb-icccm", "libxcb-icccm4", "xcb-util-wm"),
    ("xcb-keysyms", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("xkbcommon-x11", "libxkbcommon-x11-0", "libxkbcommon-x11"),
)


def uses_xcb(env: Mapping[str, str], platform: str | None = None) -> bool:
    """Whether Qt would start its xcb plugin: Linux, an X display, and no other plugin chosen."""
    if family(platform) != "linux":
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.startswith("xcb")
    if env.get("WAYLAND_DISPLAY"):  # Qt picks its wayland plugin there
        return False
    return bool(env.get("DISPLAY"))  # no display at all: Qt says so itself


def missing_libraries(
    env: Mapping[str, str], platform: str | None = None,
    find: Callable[[str], str | None] | None = None,
) -> list[tuple[str, str, str]]:
    if not uses_xcb(env, platform):
        return []
    look = find or _find_here  # resolved per call so tests can stand in for the system
    return [lib for lib in REQUIRED if not look(lib[0])]


def _find_here(name: str) -> str | None:
    """The system's copy, or the frozen app's own (PyInstaller bundles some of Qt's X11 helpers)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        own = next(Path(bundle).rglob(f"lib{name}.so*"), None)
        if own is not None:
            return str(own)
    return ctypes.util.find_library(name)


def install_advice(missing: list[tuple[str, str, str]]) -> str:
    debian = " ".join(lib[1] for lib in missing)
    fedora = " ".join(lib[2] for lib in missing)
    names = ", ".join(f"lib{lib[0]}" for lib in missing)
    return (
        f"LeaseLab Desktop cannot open its window: this Linux desktop lacks {names}, which Qt needs "
        "to draw on X11.\n"
        f"Install them, then start the app again:\n"
        f"  Debian/Ubuntu:  sudo apt-get install {debian}\n"
        f"  Fedora:         sudo dnf install {fedora}"
    )
