"""The programming model: entrypoint, event, and the events the engine publishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from leaselab_desktop.engine.step import WorkflowStep

EventKind = Literal["step.started", "step.retrying", "step.completed", "step.failed", "status"]


@dataclass(frozen=True)
class WorkflowEvent:
    """What ``run`` receives, like Cloudflare's ``WorkflowEvent``."""

    payload: Any
    timestamp: datetime
    instance_id: str


class WorkflowEntrypoint:
    """Subclass and implement :meth:`run`. Dependencies are injected through the constructor
    (Cloudflare passes ``env``); one object serves every instance of its workflow."""

    def __init__(self, env: Any = None) -> None:
        self.env = env

    async def run(self, event: WorkflowEvent, step: WorkflowStep) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.run is not implemented")


@dataclass(frozen=True)
class EngineEvent:
    """Published to subscribers. ``at`` is wall-clock epoch seconds from the engine's clock."""

    kind: EventKind
    instance_id: str
    workflow: str
    at: float
    step: str | None = None
    attempt: int | None = None
    status: str | None = None
    error: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
