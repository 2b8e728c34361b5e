"""How the CLI prints runs, their steps and evaluations (plain text a leasing agent reads)."""

from __future__ import annotations

from typing import TextIO

from leaselab_desktop.domain.models import Evaluation, RunSnapshot, StepProgress
from leaselab_desktop.domain.timefmt import format_timestamp


def step_line(s: StepProgress) -> str:
    if s.status == "complete" and s.duration_ms is not None:
        return f"  ✓ {s.name} ({s.duration_ms:.0f} ms)"
    if s.status == "retrying" and (s.error or "").startswith("Interrupted"):
        return f"  ↻ {s.name} continues: its earlier attempt was interrupted when the app stopped"
    if s.status == "retrying":
        return f"  ↻ {s.name} retrying (attempt {s.attempts + 1}): {s.error}"
    if s.status == "errored":
        return f"  ✗ {s.name}: {s.error}"
    return f"  … {s.name} {s.status}"


class StepPrinter:
    """Prints each step's change once as snapshots of a run arrive."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._shown: dict[str, tuple[str, int]] = {}

    def show(self, snap: RunSnapshot) -> None:
        for s in snap.steps:
            key = (s.status, s.attempts if s.status == "retrying" else 0)
            if s.status != "pending" and self._shown.get(s.name) != key:
                self._shown[s.name] = key
                print(step_line(s), file=self._out, flush=True)


def run_state(snap: RunSnapshot) -> str:
    return "interrupted" if snap.interrupted else snap.status


def run_step(snap: RunSnapshot) -> tuple[str, int]:
    """The step a run is at (or stopped in) and how many attempts it has had."""
    for s in snap.steps:
        if s.name == snap.current_step or s.status in ("running", "retrying", "errored"):
            return s.name, s.attempts
    return "", sum(s.attempts for s in snap.steps)


def runs_table(runs: list[RunSnapshot], out: TextIO) -> None:
    print(f"{'RUN':<22} {'LEAD':<22} {'STATE':<12} {'STEP':<26} {'ATTEMPTS':>8}  QUEUED", file=out)
    for snap in runs:
        step, attempts = run_step(snap)
        queued = format_timestamp(snap.queued_at) if snap.queued_at else ""
        print(f"{snap.run_id:<22} {(snap.lead_id or ''):<22} {run_state(snap):<12} {step:<26} {attempts:>8}  {queued}",
              file=out)
    if any(s.interrupted for s in runs):
        print("\nInterrupted runs continue where they stopped with: leaselab-desktop follow RUN", file=out)


def evaluation(ev: Evaluation, out: TextIO) -> None:
    print(file=out)
    print(f"Score {ev.score}/100  label {ev.label}  recommendation {ev.recommendation}", file=out)
    print(f"{ev.summary}", file=out)
    print("Factors:", file=out)
    for f in ev.factors:
        print(f"  {f.code:<28} {f.points:>5.1f}/{f.max_points:<4.0f} {f.explanation}", file=out)
    if ev.signals:
        print("Signals:", file=out)
        for s in ev.signals:
            print(f"  [{s.severity}] {s.code} ({s.document or '-'}): {s.evidence}", file=out)
    if ev.what_would_change:
        print("What would change the outcome:", file=out)
        for w in ev.what_would_change:
            print(f"  - {w}", file=out)
    for note in ev.compliance_notes:
        print(f"Note: {note}", file=out)
    when = f"{ev.evaluated_at:%Y-%m-%d %H:%M:%S} UTC" if ev.evaluated_at else "-"
    print(f"Policy {ev.policy_version} · provider {ev.provider} ({ev.model_version}) · {when}", file=out)
