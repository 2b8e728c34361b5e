"""Status bar: backend kind and profile, online/offline/stale with last contact, the quota meter,
and the offline banner shown above the content when the backend is unreachable or stale."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.domain.models import Health, Usage
from leaselab_desktop.domain.timefmt import fmt_datetime
from leaselab_desktop.domain.wording import set_current_provider
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.banners import meter_text, run_cost_sentence

log = logging.getLogger(__name__)

Connectivity = Literal["online", "offline", "stale", "unknown"]
HEALTH_INTERVAL_S = 15.0
_QUOTA_COLOURS = {"ok": ("#2e7d32", "#66bb6a"), "warning": ("#b26a00", "#f0b041"),
                  "blocked": ("#c0262d", "#f06a6f")}


def _dark(palette: QtGui.QPalette | None = None) -> bool:
    """Whether the (application) palette is a dark one."""
    pal = palette if palette is not None else QtWidgets.QApplication.palette()
    return pal.color(QtGui.QPalette.ColorRole.Window).lightness() < 128


def format_contact(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    age = (now - when).total_seconds()
    if age < 5:
        return "just now"
    if age < 90:
        return f"{int(age)} s ago"
    if age < 5400:
        return f"{int(age // 60)} min ago"
    return fmt_datetime(when)


def offline_text(kind: str, state: Connectivity, contact: str) -> str:
    """What happened, what it means, what to do: the offline banner's words."""
    where = "The LeaseLab server" if kind == "cloudflare" else "The evaluation service on this computer"
    if state == "offline":
        return (f"<b>{where} cannot be reached</b> (last contact {contact}). The console shows the data "
                "it already loaded; new evaluations cannot start. Check the network connection, then "
                "choose Retry now.")
    return (f"<b>The data shown may be out of date:</b> {where[:1].lower() + where[1:]} last "
            f"answered {contact}. Choose Retry now to check again.")


class _Tinted:
    """Sets one palette role from ``_tint`` and re-applies it when the system palette changes
    (a light/dark switch arrives as PaletteChange; our own setPalette does too, hence the guard)."""

    _tinting = True

    def _tint(self, pal: QtGui.QPalette) -> None:
        raise NotImplementedError

    def _apply_palette(self) -> None:
        self._tinting = True
        pal = QtGui.QPalette()  # only the tinted role is set; the rest follows the parent
        self._tint(pal)
        try:
            self.setPalette(pal)  # type: ignore[attr-defined]
        finally:
            self._tinting = False

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.PaletteChange and not self._tinting:
            self._apply_palette()
        super().changeEvent(event)  # type: ignore[misc]


class OfflineBanner(_Tinted, QtWidgets.QFrame):
    retry_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setAccessibleName("Offline banner")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self._apply_palette()
        icon = QtWidgets.QLabel(self)
        icon.setPixmap(self.style().standardIcon(
            QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(20, 20))
        self.text = QtWidgets.QLabel(self)
        self.text.setObjectName("offlineText")
        self.text.setWordWrap(True)
        self.retry = QtWidgets.QPushButton("Retry now", self)
        self.retry.setObjectName("offlineRetry")
        self.retry.setAccessibleName("Retry connection")
        self.retry.clicked.connect(self.retry_requested)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 10, 4)
        lay.addWidget(icon)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.retry)
        self.setVisible(False)

    def _tint(self, pal: QtGui.QPalette) -> None:
        pal.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("#4d3a10" if _dark() else "#fff4d6"))


class QuotaMeter(_Tinted, QtWidgets.QProgressBar):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quotaMeter")
        self.setAccessibleName("Evaluation quota")
        self.setMaximumWidth(420)
        self.setMinimumWidth(160)
        self.setTextVisible(True)
        self.level: str = "unknown"
        self.setRange(0, 1)
        self.setValue(0)
        self.setFormat("Quota: –")

    def set_usage(self, usage: Usage | None) -> None:
        if usage is None:
            self.level = "unknown"
            self.setRange(0, 1)
            self.setValue(0)
            self.setFormat("Quota: unknown")
            self.setToolTip("Usage could not be read from the backend.")
            return
        limit = max(usage.quota_limit, 1)
        self.setRange(0, limit)
        self.setValue(min(usage.evaluation_count, limit))
        self.level = usage.level
        suffix = {"ok": "", "warning": " – nearly used", "blocked": " – limit reached"}[usage.level]
        self.setFormat(meter_text(usage) + suffix)
        tier = f" ({usage.tier} tier)" if usage.tier else ""
        reset = f"; resets {usage.reset_date}" if usage.reset_date else ""
        advice = {
            "ok": "",
            "warning": "\nOver 80 % of this month's evaluations are used.",
            "blocked": "\nNo evaluations are left this month; new runs will be refused.",
        }[usage.level]
        self.setToolTip(
            f"{usage.month}{tier}: {usage.evaluation_count} of {usage.quota_limit} used, "
            f"{usage.remaining} left{reset}.{advice}"
            + (f"\n{usage.counting_rule}\n{run_cost_sentence(usage)}" if usage.counting_rule else "")
        )
        self.setAccessibleDescription(self.toolTip())
        self._apply_palette()

    def _tint(self, pal: QtGui.QPalette) -> None:
        colours = _QUOTA_COLOURS.get(self.level)
        if colours is not None:
            pal.setColor(QtGui.QPalette.ColorRole.Highlight, QtGui.QColor(colours[1 if _dark() else 0]))


class ShellStatusBar(QtWidgets.QStatusBar):
    """Shows the backend state; ``StatusMonitor`` feeds it."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shellStatusBar")
        self.backend_status = QtWidgets.QLabel(self)
        self.backend_status.setObjectName("backendStatus")
        self.backend_status.setAccessibleName("Backend status")
        self.quota_meter = QuotaMeter(self)
        self.addPermanentWidget(self.backend_status)
        self.addPermanentWidget(self.quota_meter)
        self.connectivity: Connectivity = "unknown"
        self.set_backend_info("no backend", "", "unknown", None, datetime.now(UTC))

    def set_backend_info(
        self, kind: str, profile: str, state: Connectivity, last_contact: datetime | None,
        now: datetime, detail: str = "",
    ) -> None:
        self.connectivity = state
        dot = {"online": "●", "offline": "○", "stale": "◐", "unknown": "○"}[state]
        where = f"{kind.capitalize()} · {profile}" if profile else kind.capitalize()
        text = f"{where}   {dot} {state}"
        if state != "online":
            text += f" (last contact {format_contact(last_contact, now)})"
        self.backend_status.setText(text)
        tip = f"Backend: {kind}; profile: {profile or '–'}; {state}"
        if last_contact is not None:
            tip += f"; last contact {fmt_datetime(last_contact)}"
        if detail:
            tip += f"\n{detail}"
        self.backend_status.setToolTip(tip)
        self.backend_status.setAccessibleDescription(tip)


class StatusMonitor:
    """Polls ``backend.health()`` and ``usage()`` in a task and updates the bar and banner."""

    def __init__(
        self,
        bar: ShellStatusBar,
        banner: OfflineBanner,
        tasks: TaskRunner,
        *,
        interval_s: float = HEALTH_INTERVAL_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.bar = bar
        self.banner = banner
        self._tasks = tasks
        self.interval_s = interval_s
        self._clock = clock
        self._backend: Backend | None = None
        self._profile = ""
        self._task: asyncio.Task[Any] | None = None
        self.last_contact: datetime | None = None
        self.state: Connectivity = "unknown"
        self.usage: Usage | None = None
        self.checks = 0
        banner.retry_requested.connect(self.check_soon)

    def start(self, backend: Backend | None, profile: str) -> None:
        self.stop()
        self._backend = backend
        self._profile = profile
        self.last_contact = None
        self.state = "unknown"
        # a deployed worker asks Workers AI; a local backend says its provider with its usage
        set_current_provider("workers-ai" if backend is not None and backend.kind == "cloudflare" else None)
        if backend is None:
            self._show("", None)
            return
        self._task = self._tasks.spawn(self._poll(), what="Checking the backend")

    def stop(self) -> None:
        set_current_provider(None)
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    def check_soon(self) -> None:
        if self._backend is not None:
            self._tasks.spawn(self.check_once(), what="Checking the backend")

    def record_usage(self, usage: Usage) -> None:
        """Other screens (a run ticket carries usage) can update the meter without a poll."""
        self.usage = usage
        self.bar.quota_meter.set_usage(usage)
        if usage.current_provider:  # the model step's title names it ("Evaluate with ...")
            set_current_provider(usage.current_provider)

    async def _poll(self) -> None:
        while True:
            await self.check_once()
            await asyncio.sleep(self.interval_s)

    async def check_once(self) -> None:
        backend = self._backend
        if backend is None:
            return
        self.checks += 1
        detail = ""
        try:
            health: Health = await backend.health()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # backend down: that is a state to show, not an error to raise
            log.info("health check failed: %s", exc)
            self.state = "offline"
            detail = str(exc)
        else:
            detail = health.detail
            if health.state == "online":
                self.state = "online"
                self.last_contact = self._clock()  # it just answered
            elif health.state == "degraded":
                self.state = "stale"
                self.last_contact = health.last_contact or self.last_contact
            else:
                self.state = "offline"
                self.last_contact = health.last_contact or self.last_contact
        if self.state == "online":
            try:
                self.record_usage(await backend.usage())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.info("usage check failed: %s", exc)
        self._show(detail, backend)

    def _show(self, detail: str, backend: Backend | None) -> None:
        now = self._clock()
        kind = backend.kind if backend is not None else "no backend"
        self.bar.set_backend_info(kind, self._profile, self.state, self.last_contact, now, detail)
        if self.state in ("offline", "stale") and backend is not None:
            self.banner.text.setText(offline_text(kind, self.state, format_contact(self.last_contact, now)))
            self.banner.setToolTip(detail)  # the original words, for support; never the headline
            self.banner.setVisible(True)
        else:
            self.banner.setVisible(False)
        if self.state != "online" and self.usage is None:
            self.bar.quota_meter.set_usage(None)
