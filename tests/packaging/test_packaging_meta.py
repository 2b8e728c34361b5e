"""Name, version and ids come from one place and every recipe agrees with it."""

from __future__ import annotations

import plistlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from leaselab_desktop import __version__
from leaselab_desktop.config import APP_AUTHOR, APP_NAME

ROOT = Path(__file__).resolve().parents[2]


def test_version_and_name_come_from_pyproject(appmeta: ModuleType) -> None:
    meta = appmeta.load()
    assert meta.dist_name == "leaselab-desktop"
    assert meta.version == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", meta.numeric_version)
    # The bundle / exe name is the platformdirs app name: one name for program and data.
    assert appmeta.APP_NAME == APP_NAME
    assert appmeta.PUBLISHER == APP_AUTHOR


@pytest.mark.parametrize(
    ("version", "numeric", "short"),
    [("1.2.3", "1.2.3.0", "1.2.3"), ("2.0", "2.0.0.0", "2.0.0"), ("1.4.0rc2", "1.4.0.0", "1.4.0")],
)
def test_numeric_versions_for_windows_and_macos(
    appmeta: ModuleType, version: str, numeric: str, short: str
) -> None:
    meta = appmeta.AppMeta("x", version, "")
    assert meta.numeric_version == numeric
    assert meta.short_version == short


def test_unusable_pyproject_gets_a_clear_answer(appmeta: ModuleType, tmp_path: Path) -> None:
    bad = tmp_path / "pyproject.toml"
    bad.write_text('[project]\nname = "x"\nversion = "banana"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"does not start with X\.Y\.Z"):
        appmeta.load(bad)
    bad.write_text("[tool.other]\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="cannot read name/version"):
        appmeta.load(bad)


def test_inno_setup_script_keeps_the_fixed_app_id_and_data_folder(appmeta: ModuleType) -> None:
    iss = (ROOT / "packaging" / "windows" / "leaselab.iss").read_text(encoding="utf-8")
    # "{{" is Inno Setup's escaped brace: the id must never change between releases.
    assert f"AppId={{{appmeta.WINDOWS_APP_ID}" in iss
    assert "PrivilegesRequired=lowest" in iss
    assert "OutputBaseFilename=LeaseLabDesktop-{#AppVersion}-Setup" in iss
    # platformdirs.user_data_dir(APP_NAME, APP_AUTHOR) on Windows, kept unless the box is ticked
    assert f'#define DataDir "{{localappdata}}\\{APP_AUTHOR}\\{APP_NAME}"' in iss
    assert "Box.Checked := False;" in iss


def test_macos_entitlements_are_a_valid_plist() -> None:
    data = plistlib.loads((ROOT / "packaging" / "macos" / "entitlements.plist").read_bytes())
    assert data["com.apple.security.cs.allow-unsigned-executable-memory"] is True
    assert not any(k.startswith("com.apple.security.get-task-allow") for k in data)


def test_cli_prints_one_field(appmeta: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert appmeta.main(["version"]) == 0
    assert capsys.readouterr().out.strip() == __version__
    with pytest.raises(SystemExit):
        appmeta.main(["nonsense"])
