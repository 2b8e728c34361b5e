"""The words of the lead list's cells (Qt-free): statuses, dates, the recommendation, and the live
state of a lead whose evaluation is running (a batch row, or a run followed in the workspace)."""

from __future__ import annotations

from datetime import datetime

from leaselab_desktop.domain.models import RunSnapshot
from leaselab_desktop.domain.timefmt import fmt_date, fmt_datetime
from leaselab_desktop.domain.vocab import STEP_TITLES
from leaselab_desktop.domain.wording import lead_status_name

BATCH_TEXT = {  # the workspace's BatchController states
    "queued": "queued",
    "running": "evaluating…",
    "complete": "done",
    "errored": "failed",
    "skipped-duplicate": "skipped (same documents)",
    "quota": "quota reached",
    "cancelled": "cancelled",
}
# Batch states of a run that is not over: while any row is in one, rows keep their place.
LIVE_BATCH_STATES = frozenset({"queued", "running"})
# The recommendation's tone: the label colour it takes in the list's badge and on the result card
# (green, blue, amber, red); gui/workspace/style.py reads this one table.
RECOMMENDATION_TONE = {
    "approve": "A",
    "approve_with_conditions": "B",
    "approve_with_verification": "C",
    "reject": "D",
}


def format_status(status: str) -> str:
    """'ai_evaluated' -> 'AI evaluated'; unknown values are shown as they come, made readable."""
    return lead_status_name(status)


def format_updated(value: datetime | None, now: datetime | None = None) -> str:
    """Date and time this year, the date alone before; the console's one locale format (local time)."""
    if value is None:
        return ""
    local = value.astimezone()
    this_year = (now or datetime.now(local.tzinfo)).year
    return fmt_datetime(local) if local.year == this_year else fmt_date(local)


def recommendation_words(code: str) -> str:
    """'approve_with_verification' -> 'Approve with verification', the result card's words."""
    text = " ".join(code.replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:]


OVERRIDDEN_MARK = " (overridden)"  # as the result card marks it; kept whole when the cell is narrow


def format_recommendation(code: str, overridden: bool, *, accessible: bool = False) -> str:
    """The final decision as the card shows it: 'Reject (overridden)'; '' when unknown."""
    if not code:
        return "No recommendation" if accessible else ""
    words = recommendation_words(code)
    if overridden:
        return f"{words}, overridden by an agent" if accessible else words + OVERRIDDEN_MARK
    return words


def live_text(snapshot: RunSnapshot | None) -> str | None:
    """What a row says while its run is live ('Run AI provider…', 'Evaluating…', 'Queued'); None
    once the run is over or no longer followed."""
    if snapshot is None or snapshot.finished:
        return None
    if snapshot.status in ("queued", "waiting") and not snapshot.current_step:
        return "Queued"
    title = STEP_TITLES.get(snapshot.current_step or "")
    return f"{title}…" if title else "Evaluating…"


class LiveStates:
    """Which listed leads have a live run, and what their rows say about it.

    A batch row's state comes from the batch; a run followed in the workspace reports each snapshot.
    While any run is live the list holds its order (a finished run's new score changes its row in
    place, ``stale`` remembers it), and re-sorts once when the last live run ends."""

    def __init__(self) -> None:
        self.batch: dict[str, str] = {}
        self.steps: dict[str, str] = {}  # lead id -> the step its followed run is at
        self.held: set[str] = set()
        self.stale = False

    def clear(self) -> None:
        self.batch.clear()
        self.steps.clear()
        self.held.clear()
        self.stale = False

    def text(self, lead_id: str) -> str | None:
        """The run's step while it is followed, else the batch state (queued, done, failed...)."""
        text = self.steps.get(lead_id)
        if text is not None:
            return text
        state = self.batch.get(lead_id)
        return BATCH_TEXT.get(state, state) if state else None

    def set_batch(self, lead_id: str, state: str | None) -> bool:
        """Record a batch state; True when the held order should now be re-sorted."""
        if state:
            self.batch[lead_id] = state
        else:
            self.batch.pop(lead_id, None)
        return self._hold(lead_id)

    def set_run(self, lead_id: str, snapshot: RunSnapshot | None) -> tuple[bool, bool]:
        """Record a followed run's snapshot; (whether the row's text changed, whether to re-sort)."""
        text = live_text(snapshot)
        if text == self.steps.get(lead_id):
            return False, False
        if text is None:
            self.steps.pop(lead_id, None)
        else:
            self.steps[lead_id] = text
        return True, self._hold(lead_id)

    def _hold(self, lead_id: str) -> bool:
        if lead_id in self.steps or self.batch.get(lead_id) in LIVE_BATCH_STATES:
            self.held.add(lead_id)
            return False
        self.held.discard(lead_id)
        if not self.held and self.stale:  # the last live run ended: sort the changed rows once
            self.stale = False
            return True
        return False
