"""The one place the packaging reads the app's name and version from: ``pyproject.toml``.

Used by ``leaselab.spec`` (imported), by ``packaging/build`` / ``build.ps1`` (``python
packaging/appmeta.py version``) and by the release workflow. Only the standard library, so it runs
before anything is installed.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"

# Must equal leaselab_desktop.config.APP_NAME: platformdirs uses it for the user's data folder,
# so the installers, the bundle and the data location all share one name.
APP_NAME = "LeaseLabDesktop"
DISPLAY_NAME = "LeaseLab Desktop"
PUBLISHER = "LeaseLab"
BUNDLE_ID = "com.leaselab.desktop"
# Inno Setup AppId: fixed forever so a new Setup.exe upgrades the installed copy in place.
WINDOWS_APP_ID = "{8C4B7E52-3A1D-4F0B-9B7E-5D2C1A6E4F31}"
MACOS_MIN_VERSION = "11.0"

_VERSION = re.compile(r"^\d+(\.\d+){0,3}")


@dataclass(frozen=True)
class AppMeta:
    dist_name: str
    version: str
    description: str

    @property
    def numeric_version(self) -> str:
        """``X.Y.Z.W`` for Windows version resources and Info.plist (no pre-release suffix)."""
        match = _VERSION.match(self.version)
        if not match:
            raise ValueError(f"pyproject.toml version {self.version!r} does not start with X.Y.Z")
        parts = [*match.group(0).split("."), "0", "0", "0"][:4]
        return ".".join(parts)

    @property
    def short_version(self) -> str:
        return ".".join(self.numeric_version.split(".")[:3])


def load(pyproject: Path = PYPROJECT) -> AppMeta:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        project = data["project"]
        meta = AppMeta(
            dist_name=str(project["name"]),
            version=str(project["version"]),
            description=str(project.get("description", DISPLAY_NAME)),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise SystemExit(f"cannot read name/version from {pyproject}: {exc}") from exc
    _ = meta.numeric_version  # validate early, with a clear message
    return meta


def platform_tag() -> str:
    """``linux-x86_64``, ``macos-arm64``, ``windows-amd64``: names release artifacts."""
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower() or 'unknown'}"


def main(argv: list[str] | None = None) -> int:
    fields = (
        "version", "numeric_version", "short_version", "dist_name", "app_name",
        "display_name", "bundle_id", "platform_tag", "windows_app_id",
    )  # fmt: skip
    parser = argparse.ArgumentParser(description="Print one packaging fact.")
    parser.add_argument("field", choices=fields)
    args = parser.parse_args(argv)
    meta = load()
    value = {
        "version": meta.version,
        "numeric_version": meta.numeric_version,
        "short_version": meta.short_version,
        "dist_name": meta.dist_name,
        "app_name": APP_NAME,
        "display_name": DISPLAY_NAME,
        "bundle_id": BUNDLE_ID,
        "platform_tag": platform_tag(),
        "windows_app_id": WINDOWS_APP_ID,
    }[args.field]
    print(value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
