"""Following a run needs only what it is given (a RunSource), not a backend: a fake source drives
the job poll path and the stream-less workflow path without a server."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from leaselab_desktop.backends.cloudflare.followups import follow_run
from leaselab_desktop.backends.cloudflare.polling import StepTimings
from leaselab_desktop.backends.errors import BackendUnavailable
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import RunSnapshot

T0 = datetime(2026, 11, 1, tzinfo=UTC)


class _Api:
    stream_support: bool | None = False  # a server without the run stream


class FakeSource:
    def __init__(self, kind: str, answers: list[RunSnapshot | Exception]) -> None:
        self.api: Any = _Api()
        self.polling = PollingSettings(min_interval_s=0.5, max_interval_s=5.0)
        self.step_timings = StepTimings()
        self.rng = random.Random(1)
        self._kind = kind
        self._answers = answers
        self.slept: list[float] = []
        self.fetches = 0

    def clock(self) -> datetime:
        return T0

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def kind(self, run_id: str) -> str | None:
        return self._kind

    async def get(self, run_id: str) -> RunSnapshot:
        return RunSnapshot(run_id=run_id, status="queued", can_terminate=self._kind != "job")

    async def fetch(self, run_id: str) -> tuple[RunSnapshot, bool]:
        self.fetches += 1
        answer = self._answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer, False

    def streamed(self, snap: RunSnapshot) -> None:
        raise AssertionError("no stream was offered")


def _snap(status: str, **kw: Any) -> RunSnapshot:
    return RunSnapshot(run_id="job_1", status=status, can_terminate=False, **kw)


async def test_a_job_is_polled_to_its_end_through_the_source() -> None:
    source = FakeSource("job", [
        _snap("queued"), _snap("running", progress_message="reading documents"),
        BackendUnavailable("server away"), _snap("complete"),
    ])
    seen = [s async for s in follow_run(source, "job_1")]
    assert [s.status for s in seen] == ["queued", "running", "complete"]
    assert source.fetches == 4 and len(source.slept) == 4  # one wait before each poll
    assert all(0.5 <= d <= 5.0 for d in source.slept)


async def test_a_workflow_without_a_stream_is_polled_too() -> None:
    source = FakeSource("workflow", [
        RunSnapshot(run_id="wf_1", status="running"), RunSnapshot(run_id="wf_1", status="errored"),
    ])
    seen = [s async for s in follow_run(source, "wf_1")]
    assert [s.status for s in seen] == ["queued", "running", "errored"]
