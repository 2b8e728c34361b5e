"""The CLI on a Cloudflare profile, against the loopback ops server: the same commands as on the
local backend, opened through the factory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cf_ops_server import OpsState

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


def test_every_command_on_a_cloudflare_profile(
        capsys: pytest.CaptureFixture[str], data_dir: Path, wf_state: OpsState) -> None:
    code, out, _ = run(capsys, data_dir, "leads", "--json", "--profile", "cf")
    assert code == 0 and len(json.loads(out)) == 60  # every page, through the profile's server

    code, out, _ = run(capsys, data_dir, "--profile", "cf", "evaluate", "lead_001")
    assert code == 0, out
    assert "Evaluating Ann1 Tester (lead_001) - run wf_0001" in out
    assert "✓ send-email-notification" in out and "Score " in out
    # the profile's token, from the keyring, went with every request (the server refuses without)
    assert all({k.lower(): v for k, v in h.items()}.get("authorization") == "Bearer tok-secret-123"
               for _m, path, h in wf_state.log if path.startswith("/api/ops"))

    code, out, _ = run(capsys, data_dir, "runs", "--profile", "cf")
    assert code == 0 and out.splitlines()[1].split()[:3] == ["wf_0001", "lead_001", "complete"]

    code, _, err = run(capsys, data_dir, "terminate", "wf_0001", "--profile", "cf")
    assert code == 1 and err.startswith("error: ") and "wf_0001" not in err.split(":", 1)[0]

    wf_state.step_s = (0.3,) * 7
    code, out, _ = run(capsys, data_dir, "evaluate", "lead_002", "--profile", "cf")
    assert code == 0 and "run wf_0002" in out
    code, out, _ = run(capsys, data_dir, "follow", "wf_0002", "--profile", "cf", "--json")
    assert code == 0 and json.loads(out)["lead_id"] == "lead_002"


def test_unknown_profile_and_unknown_run_are_plain(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, _, err = run(capsys, data_dir, "runs", "--profile", "nope")
    assert code == 2 and err.strip() == "error: No profile named 'nope'"
    code, _, err = run(capsys, data_dir, "follow", "wf_9999", "--profile", "cf")
    assert code == 1 and err.startswith("error: ") and "Traceback" not in err
