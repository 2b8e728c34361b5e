"""Where ``resources/`` (policy, spec, prompts, demo generator, icons, styles) and ``ui/`` (Qt
Designer forms) are. The one locator every part uses; standard library only.

Looked for, in order:
1. ``LEASELAB_RESOURCES`` (resources only): a test or a packager points elsewhere;
2. ``sys._MEIPASS/<name>``: the PyInstaller build (``packaging/leaselab.spec`` copies them there);
3. ``leaselab_desktop/_data/<name>``: an installed wheel (``setup.py`` copies them in at build time);
4. ``<checkout>/<name>``: a source checkout or an editable install, where they are edited.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
WHEEL_DATA = "_data"  # folder inside the package that a built wheel carries (see setup.py)


def candidates(name: str) -> list[Path]:
    found: list[Path] = []
    override = os.environ.get("LEASELAB_RESOURCES") if name == "resources" else None
    if override:
        found.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / name)
    found += [PACKAGE / WHEEL_DATA / name, PACKAGE.parent / name]
    return found


def _locate(name: str) -> Path:
    looked = candidates(name)
    for path in looked:
        if path.is_dir():
            return path
    raise FileNotFoundError(
        f"the {name} folder was not found; looked in: " + ", ".join(str(p) for p in looked)
    )


def resources_dir() -> Path:
    return _locate("resources")


def ui_dir() -> Path:
    return _locate("ui")
