"""The programming model: the entrypoint and the event its ``run`` receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaselab_desktop.engine.step import WorkflowStep

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
