"""``compare`` and ``leads --xlsx`` on a Cloudflare profile, against the loopback ops server: the same
command as on the local backend, through the application layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from cf_ops_server import OpsState
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from leaselab_desktop.cli import main
from leaselab_desktop.config import Paths, PollingSettings, Profile, Settings, save_settings
from leaselab_desktop.secrets import SecretStore


@pytest.fixture
def data_dir(tmp_path: Path, wf_url: str) -> Path:
    d = tmp_path / "cli-data"
    save_settings(Paths(d), Settings(
        profiles=[Profile(), Profile(name="cf", backend="cloudflare", base_url=wf_url, site_id="site_demo")],
        polling=PollingSettings(min_interval_s=0.1, max_interval_s=1.0)))
    SecretStore().set(SecretStore.token_key("cf"), "tok-secret-123")
    return d


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_compare_on_a_cloudflare_profile(
    capsys: pytest.CaptureFixture[str], data_dir: Path, wf_state: OpsState, tmp_path: Path,
) -> None:
    for lid in ("lead_001", "lead_003"):
        wf_state.leads[lid].update(unitId="unit_7", unitName="7")
        assert run(capsys, data_dir, "evaluate", lid, "--profile", "cf")[0] == 0
    wf_state.leads["lead_005"].update(unitId="unit_9", unitName="9")
    pdf = tmp_path / "cmp.pdf"
    code, out, err = run(capsys, data_dir, "compare", "lead_001", "lead_003", "--pdf", str(pdf), "--profile", "cf")
    assert code == 0, err
    assert "Comparing 2 applicants for Elm Court · 7" in out and "Ann1 Tester" in out and "Ann3 Tester" in out
    assert "Page 1 of" in PdfReader(pdf).pages[0].extract_text()
    code, _, err = run(capsys, data_dir, "compare", "lead_001", "lead_005", "--profile", "cf")
    assert code == 2 and "different units (Elm Court · 7 and Elm Court · 9)" in err

    xlsx = tmp_path / "leads.xlsx"
    code, out, err = run(capsys, data_dir, "leads", "--xlsx", str(xlsx), "--profile", "cf")
    assert code == 0, err
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert len(rows) == 61 and rows[0][:3] == ["Lead id", "Name", "Email"]
