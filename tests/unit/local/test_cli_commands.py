"""The CLI's commands on the local profile, in process: what a leasing agent reads, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaselab_desktop.cli import COMMANDS, build_parser, main


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_command_takes_a_profile() -> None:
    parser = build_parser()
    for name in COMMANDS:
        extra = {"evaluate": ["lead_x"], "follow": ["run_x"], "terminate": ["run_x"], "retry": ["run_x"],
                 "import": ["folder"], "delete-applicant-data": ["lead_x", "--reason", "r"],
                 "backup": ["folder"], "restore": ["folder"], "compare": ["lead_x", "lead_y"]}.get(name, [])
        assert parser.parse_args([name, *extra, "--profile", "p"]).profile == "p"
        assert parser.parse_args(["--profile", "q", name, *extra]).profile == "q"


def test_evaluate_then_the_refusals_read_plainly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "d"
    code, out, _ = run(capsys, data, "leads", "--json", "--profile", "local")
    lead_id = next(lead["id"] for lead in json.loads(out) if lead["status"] == "documents_received")

    code, out, _ = run(capsys, data, "evaluate", lead_id, "--json")
    assert code == 0 and json.loads(out)["lead_id"] == lead_id
    # the demo's properties are in Ontario: the Ontario profile scored it
    assert json.loads(out)["compliance_notes"][0].startswith("Scored with the Ontario profile of policy ")

    code, _, err = run(capsys, data, "evaluate", lead_id)
    assert code == 1 and "have not changed since the last evaluation" in err and "Traceback" not in err
    code, _, err = run(capsys, data, "evaluate", lead_id, "--force")
    assert (code, err.strip()) == (1, "error: A forced re-evaluation needs a reason.")
    code, _, err = run(capsys, data, "evaluate", "lead_nope")
    assert (code, err.strip()) == (1, "error: Lead lead_nope was not found in this site.")

    code, out, _ = run(capsys, data, "runs", "--json")
    (listed,) = json.loads(out)
    assert listed["status"] == "complete" and listed["lead_id"] == lead_id
    code, _, err = run(capsys, data, "terminate", listed["run_id"])
    assert (code, err.strip()) == (1, "error: This run has already finished.")
    code, _, err = run(capsys, data, "retry", listed["run_id"])
    assert (code, err.strip()) == (1, "error: Only a failed or terminated run can be retried.")
    code, out, _ = run(capsys, data, "follow", listed["run_id"])
    assert code == 0 and "Score " in out  # a finished run: its result


def test_the_lead_table_names_statuses_in_words(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "d"
    _, listed, _ = run(capsys, data, "leads", "--json")
    code, out, _ = run(capsys, data, "leads")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:2] == ["ID", "NAME"] and len(lines) == len(json.loads(listed)) + 1
    assert "Documents received" in out
    codes = {lead["status"] for lead in json.loads(listed)}
    assert not any(code in line for line in lines[1:] for code in codes if "_" in code)


def test_no_runs_yet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, tmp_path / "d", "runs") == (0, "No evaluation runs yet.\n", "")
