"""How fresh an answered read is: live, or served from the offline cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ReadInfo:
    """How fresh the last answered read was; the GUI shows 'offline, data from HH:MM' when stale."""

    stale: bool = False
    as_of: datetime | None = None
    detail: str = ""

    def banner(self) -> str:
        if not self.stale:
            return ""
        when = self.as_of.astimezone().strftime("%H:%M") if self.as_of else "an earlier session"
        return f"offline, data from {when}"
