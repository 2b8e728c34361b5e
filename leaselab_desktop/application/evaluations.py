"""What a front end (the CLI; any other) asks of evaluations, on any backend: start one or follow
the one already running, list runs, follow, terminate and retry a run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from leaselab_desktop.backends import errors
from leaselab_desktop.backends.base import Backend
from leaselab_desktop.domain.models import RunSnapshot, RunTicket


@dataclass(frozen=True)
class Started:
    run_id: str
    already_running: bool  # the lead had an unfinished run: that one is followed instead
    ticket: RunTicket | None = None  # the new run's ticket (with the usage it leaves)


class Evaluations:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def start_or_join(self, lead_id: str, force: bool = False, reason: str | None = None) -> Started:
        """Start an evaluation of the lead; when one is already unfinished, join it instead."""
        try:
            ticket = await self.backend.start_evaluation(lead_id, force=force, reason=reason)
        except errors.AlreadyRunning as exc:
            run_id = exc.run_id
            if run_id is None:
                active = await self.backend.active_run(lead_id)
                if active is None:
                    raise
                run_id = active.run_id
            return Started(run_id, already_running=True)
        return Started(ticket.run_id, already_running=False, ticket=ticket)

    def follow(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        """Snapshots of the run until it ends. On the local backend an interrupted run resumes
        here: the caller stays until the run ends."""
        return self.backend.watch_run(run_id)

    async def runs(self, limit: int = 20) -> list[RunSnapshot]:
        return await self.backend.list_runs(limit)

    async def terminate(self, run_id: str) -> RunSnapshot:
        await self.backend.terminate_run(run_id)
        return await self.backend.get_run(run_id)

    async def retry(self, run_id: str) -> str:
        """Restart a failed or terminated run from its failed step; follow it with :meth:`follow`."""
        return (await self.backend.retry_run(run_id)).run_id
