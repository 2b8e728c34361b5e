"""Batch evaluation: bounded concurrency, per-row states, progress, duplicates/quota, cancel."""

from __future__ import annotations

import asyncio

from leaselab_desktop.gui.qt import QtWidgets
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture

IDS = [f"lead_{n}" for n in range(2, 9)]  # 7 leads


async def test_batch_runs_at_most_four_at_once_and_reports_progress(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["fetch-lead"] = asyncio.Event()
    rows: list[tuple[str, str]] = []
    progress: list[tuple[int, int]] = []
    finished: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.batch_row_state.connect(lambda lid, st: rows.append((lid, st)))
        ws.batch_progress.connect(lambda d, t: progress.append((d, t)))
        ws.run_finished.connect(lambda lid, _s: finished.append(lid))
        assert ws.start_batch(IDS)
        assert not ws.start_batch(IDS)  # one batch at a time
        assert "already running" in ws.message.text()
        await until(lambda: sum(1 for s in backend.runs.values() if not s.finished) == 4)
        await asyncio.sleep(0.05)
        assert len(backend.runs) == 4  # the semaphore holds the other three
        states = ws.batch.states
        assert sorted(states.values()) == ["queued"] * 3 + ["running"] * 4
        bar = ws.findChild(QtWidgets.QProgressBar, "batchProgress")
        assert bar.isVisible() and bar.value() == 0 and bar.maximum() == 7
        gate.set()
        result = await ws.batch.wait()
        assert result == {lid: "complete" for lid in IDS}
        assert ws.batch.max_running == 4
        assert progress[0] == (0, 7) and progress[-1] == (7, 7)
        assert [d for d, _ in progress] == sorted(d for d, _ in progress)
        assert bar.value() == 7
        assert sorted(finished) == sorted(IDS)
        for lid in IDS:
            seq = [st for r, st in rows if r == lid]
            assert seq == ["queued", "running", "complete"], (lid, seq)
        assert "7 complete" in ws.findChild(QtWidgets.QLabel, "batchSummary").text()
        assert ws.findChild(QtWidgets.QLabel, "batchSummary").isVisible()
        dismiss = ws.findChild(QtWidgets.QPushButton, "batchDismissButton")
        assert dismiss.isVisible() and not ws.findChild(QtWidgets.QPushButton, "batchCancelButton").isVisible()
        dismiss.click()
        assert not ws.batch_panel.isVisible()


async def test_batch_marks_duplicates_quota_and_errors(tasks, until) -> None:
    backend = FakeBackend()
    backend.duplicate_leads.add("lead_2")
    backend.quota.evaluation_count = 17  # three evaluations left this month
    backend.fail_steps["save-evaluation"] = "disk full"
    async with open_workspace(backend, tasks) as ws:
        ws.batch.concurrency = 1  # deterministic order
        ws.start_batch(IDS)
        result = await ws.batch.wait()
        assert result["lead_2"] == "skipped-duplicate"
        assert [result[i] for i in IDS[1:4]] == ["errored"] * 3  # ran, failed at save-evaluation
        assert [result[i] for i in IDS[4:]] == ["quota"] * 3
        assert len(backend.start_calls) == 5  # after the first refusal no more requests
        summary = ws.findChild(QtWidgets.QLabel, "batchSummary").text()
        assert "3 errored" in summary and "1 skipped duplicate" in summary and "3 quota" in summary


async def test_batch_can_be_cancelled(tasks, until) -> None:
    backend = FakeBackend()
    backend.gates["load-documents"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        ws.start_batch(IDS)
        await until(lambda: len(backend.runs) == 4)
        ws.findChild(QtWidgets.QPushButton, "batchCancelButton").click()
        result = await ws.batch.wait()
        assert set(result.values()) == {"cancelled"}
        assert not ws.batch.running
        assert ws.findChild(QtWidgets.QProgressBar, "batchProgress").value() == 7
        assert ws.start_batch(["lead_2"])  # a new batch can start after a cancel
        backend.gates["load-documents"].set()
        await until(lambda: ws.batch.states.get("lead_2") in ("complete", "errored"))
        # lead_2 was already running from the cancelled batch: the new batch follows that run
        assert ws.batch.states["lead_2"] == "complete"


async def test_batch_without_backend_or_leads(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        assert not ws.start_batch([])
        ws.set_backend(None)
        assert not ws.start_batch(["lead_2"])
        assert "Not connected" in ws.message.text()
