"""What differs between Windows, macOS and Linux, with the platform passed in.

Every function takes ``platform`` (a ``sys.platform`` value; ``None`` means this machine), so each
OS's branch is unit-tested on any OS by injection, and runs for real on its own OS in CI.
No Qt here: the core imports it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any, Literal

Family = Literal["windows", "macos", "linux"]
# Win32 APIs without the \\?\ prefix stop at MAX_PATH (260 incl. the terminating NUL) unless the
# machine opted into long paths; Python then fails with FileNotFoundError on a file that exists.
WINDOWS_MAX_PATH = 260


def current() -> str:
    return sys.platform


def family(platform: str | None = None) -> Family:
    p = platform or current()
    if p in ("win32", "cygwin"):
        return "windows"
    if p == "darwin":
        return "macos"
    return "linux"  # and the other Unixes, which follow the XDG conventions too


def user_data_dir(
    app_name: str, app_author: str, platform: str | None = None,
    env: Mapping[str, str] | None = None, home: PurePath | None = None,
) -> PurePath:  # fmt: skip
    """The per-user data folder, as platformdirs' ``user_data_dir`` gives it on each OS (the
    Windows installer's uninstaller deletes the same folder when asked)."""
    env = os.environ if env is None else env
    fam = family(platform)
    if fam == "windows":
        base = env.get("LOCALAPPDATA")
        if base is None:  # a stripped environment: ask Windows itself
            import platformdirs

            return Path(platformdirs.user_data_dir(app_name, app_author))
        return PureWindowsPath(base, app_author, app_name)
    home_dir = home if home is not None else Path.home()
    if fam == "macos":
        return home_dir / "Library" / "Application Support" / app_name
    xdg = env.get("XDG_DATA_HOME", "").strip()
    # XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
    base_dir = PurePath(xdg) if xdg and PurePath(xdg).is_absolute() else home_dir / ".local" / "share"
    return base_dir / app_name


def secure_store_name(platform: str | None = None) -> str:
    """The OS keyring a user of this OS should have (named in Settings' warning when it is missing)."""
    return {
        "windows": "Windows Credential Locker",
        "macos": "macOS Keychain",
        "linux": "Secret Service (GNOME Keyring or KDE Wallet)",
    }[family(platform)]


Runner = Callable[[Sequence[str]], Any]


def open_command(path: Path | str, platform: str | None = None) -> list[str] | None:
    """The command that opens ``path`` in its default application; None on Windows (os.startfile)."""
    fam = family(platform)
    if fam == "windows":
        return None
    return ["open" if fam == "macos" else "xdg-open", str(path)]


def open_externally(
    path: Path | str, platform: str | None = None, runner: Runner | None = None,
    startfile: Callable[[str], None] | None = None,
) -> None:  # fmt: skip
    """Opens a file or folder in the OS's default application (Explorer, Finder, the desktop's
    file manager or viewer). Raises OSError when the OS has nothing to open it with."""
    target = Path(path)
    if not Path(long_path(target, platform)).exists():
        raise FileNotFoundError(f"{target} does not exist")
    command = open_command(target, platform)
    if command is None:
        start = startfile or getattr(os, "startfile", None)
        if start is None:
            raise OSError("os.startfile is only available on Windows")
        start(long_path(target, platform))
        return
    run = runner or _spawn
    run(command)


def _spawn(command: Sequence[str]) -> None:
    # Detached and without our stdio: the viewer outlives a call and must not hold our console.
    try:
        proc = subprocess.Popen(
            list(command), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    except FileNotFoundError as exc:
        raise OSError(f"{command[0]} is not installed: cannot open {command[-1]}") from exc
    # Reaped in the background (open/xdg-open return quickly), so no zombie is left behind.
    threading.Thread(target=proc.wait, name="open-externally", daemon=True).start()


def long_path(path: Path | str, platform: str | None = None) -> str:
    """``path`` as a string the OS can open whatever its length: on Windows, an absolute path near
    MAX_PATH (248 characters or more) gets the ``\\\\?\\`` prefix (``\\\\?\\UNC\\`` for a share)."""
    text = str(path)
    if family(platform) != "windows" or len(text) < WINDOWS_MAX_PATH - 12 or text.startswith("\\\\?\\"):
        # -12: CreateDirectory needs room for an 8.3 file name inside the folder.
        return text
    win = PureWindowsPath(text)
    if not win.is_absolute():
        return text  # the prefix turns off normalisation, so it is only valid on absolute paths
    # The prefix also turns off "/" -> "\" and ".." folding: hand Windows the folded form.
    normal = str(_fold(win))
    if normal.startswith("\\\\"):
        return "\\\\?\\UNC\\" + normal[2:]
    return "\\\\?\\" + normal


def _fold(win: PureWindowsPath) -> PureWindowsPath:
    """ntpath.normpath for a Windows path, on any OS (so the Windows branch is the same code here)."""
    parts: list[str] = []
    for part in win.parts[1:]:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return PureWindowsPath(win.anchor, *parts)


def find_entry(folder: Path, name: str) -> Path | None:
    """``folder/name`` matched the way Windows and macOS match names, case-insensitively, on every
    OS: a leads.csv typed on one machine names folders made on another. An exact match wins; two
    entries that differ only in case (possible on Linux) with no exact match give None."""
    exact = folder / name
    if exact.exists():
        return exact
    wanted = name.casefold()
    try:
        hits = [entry for entry in folder.iterdir() if entry.name.casefold() == wanted]
    except OSError:
        return None
    return hits[0] if len(hits) == 1 else None


def documents_dir(
    platform: str | None = None, *, known: str | PurePath | None = None,
    home: Path | None = None, exists: Callable[[Path], bool] | None = None,
) -> Path:  # fmt: skip
    """Where an export is offered first: the user's Documents folder.

    ``known``: the folder the GUI's toolkit reports (QStandardPaths), used when it exists; otherwise
    platformdirs' answer for this OS (XDG ``user-dirs.dirs`` on Linux, the known folder on Windows).
    A machine without a Documents folder (a server, a fresh account, a redirected profile that is
    offline) falls back to the home folder, never to the working directory of the process."""
    is_dir = exists or (lambda p: p.is_dir())
    home_dir = home if home is not None else Path.home()
    candidates: list[Path] = []
    if known:
        candidates.append(Path(known))
    if platform is None or family(platform) == family():
        import platformdirs

        candidates.append(Path(platformdirs.user_documents_dir()))
    candidates.append(home_dir / "Documents")
    for folder in candidates:
        if folder.is_absolute() and is_dir(folder):
            return folder
    return home_dir


def show_in_folder_command(path: Path | str, platform: str | None = None) -> list[str]:
    """The command that shows ``path`` selected in the OS's file manager (Linux file managers have
    no common "select" argument: the folder holding it is opened instead)."""
    target = Path(path)
    fam = family(platform)
    if fam == "windows":
        return ["explorer", f"/select,{long_path(target, platform)}"]
    if fam == "macos":
        return ["open", "-R", str(target)]
    return ["xdg-open", str(target.parent)]


def show_in_folder(path: Path | str, platform: str | None = None, runner: Runner | None = None) -> None:
    """Shows a saved file in Explorer / Finder / the desktop's file manager. Raises
    FileNotFoundError when the file is gone, OSError when there is no file manager to ask."""
    target = Path(path)
    if not Path(long_path(target, platform)).exists():
        raise FileNotFoundError(f"{target} does not exist")
    (runner or _spawn)(show_in_folder_command(target, platform))
