"""The evaluation panel's banners (duplicate documents, quota reached, an error with its buttons):
the frames and their texts."""

from __future__ import annotations

from html import escape

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import DuplicateDocuments
from leaselab_desktop.domain.explain import ACTION_TEXT, Explanation
from leaselab_desktop.domain.models import Usage
from leaselab_desktop.domain.timefmt import display_format, fmt_date, fmt_datetime, parse_timestamp
from leaselab_desktop.gui.errors import error_actions
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets, Signal
from leaselab_desktop.gui.workspace.style import chip_qss, label_color


def make_banner(
    name: str, parent: QtWidgets.QWidget
) -> tuple[QtWidgets.QFrame, QtWidgets.QLabel, QtWidgets.QHBoxLayout]:
    frame = QtWidgets.QFrame(parent)
    frame.setObjectName(name)
    frame.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
    frame.setAccessibleName({"duplicateBanner": "Duplicate documents", "quotaBanner": "Quota exceeded"}
                            .get(name, name))
    text = QtWidgets.QLabel(frame)
    text.setObjectName(name + "Text")
    text.setWordWrap(True)
    lay = QtWidgets.QHBoxLayout(frame)
    lay.addWidget(text, 1)
    frame.hide()
    return frame, text, lay


def banner_qss(name: str, label: str, palette: QtGui.QPalette) -> str:
    """The banner ``name`` tinted as the label ``label``'s chip, with flatter corners."""
    chip = chip_qss(label_color(label, palette), palette).replace("border-radius: 9px", "border-radius: 6px")
    return f"#{name} {{{chip}}}"


def usage_sentence(u: Usage | None) -> str:
    """'20 of 20 evaluations used in 2026-11 (free tier). The quota resets on ...', or ''."""
    if u is None:
        return ""
    reset = f" The quota resets on {_day(u.reset_date)}." if u.reset_date else ""
    tier = f" ({u.tier} tier)" if u.tier else ""
    return f"{u.evaluation_count} of {u.quota_limit} evaluations used in {month_name(u.month)}{tier}.{reset}"


def _day(text: str) -> str:
    """A server's '2026-12-01' in the display format; text that is no date is shown as sent."""
    try:
        return fmt_date(parse_timestamp(text))
    except (ValueError, TypeError):
        return text


def month_name(month: str) -> str:
    """'2026-11' -> 'November 2026' in the display locale; other text as sent."""
    try:
        first = parse_timestamp(f"{month}-01")
    except (ValueError, TypeError):
        return month
    if first is None:
        return month
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", first, locale=display_format().locale))


def run_cost_sentence(u: Usage | None) -> str:
    """Whether a run now counts against the quota, in the meter's words (the Force dialog says it)."""
    if u is None or u.current_counts is None:
        return "A run with a paid AI provider counts against the monthly quota; the built-in rules are free."
    if u.current_counts:
        return (f"A run with {u.current_provider} counts against the monthly quota "
                f"({u.evaluation_count} of {u.quota_limit} paid evaluations used).")
    return f"Runs with {u.current_provider} are free: they do not count against the monthly quota."


def meter_text(u: Usage) -> str:
    """'0/100 paid evaluations · 20 free (built-in rules)'; 'paid' only where the backend says so."""
    paid = "paid evaluations" if u.counting_rule else "evaluations"
    names = ", ".join(p.removeprefix("the ") for p in u.free_providers)  # "20 free (built-in rules)"
    free = f" · {u.free_count} free ({names})" if u.free_count else ""
    return f"{u.evaluation_count}/{u.quota_limit} {paid}{free}"


def duplicate_html(exc: DuplicateDocuments) -> str:
    """The duplicate-documents banner's text: when, and what to do; never the evaluation's id."""
    at = exc.last_evaluated_at or (exc.last_evaluation.evaluated_at if exc.last_evaluation else None)
    head = (f"<b>Same documents as the last evaluation, on {escape(fmt_datetime(at))}.</b>" if at
            else "<b>This lead was already evaluated with these documents.</b>")
    todo = (" Its result is shown below. To evaluate again anyway, choose Force re-evaluate and give a reason."
            if exc.can_force else " Its result is shown below; add a new document to evaluate again.")
    return head + todo


class ErrorBanner(QtWidgets.QFrame):
    """An error in three parts (what happened, what it means, what to do) with the buttons that help.

    Retry is the owner's (``retry``); Settings and the built-in rules go to the main window.
    """

    retry = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None, name: str = "errorBanner") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Error")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.explanation: Explanation | None = None
        self.what = QtWidgets.QLabel(self)
        self.what.setObjectName(name + "What")
        self.what.setWordWrap(True)
        bold = self.what.font()
        bold.setBold(True)
        self.what.setFont(bold)
        self.body = QtWidgets.QLabel(self)
        self.body.setObjectName(name + "Body")
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for key, text in ACTION_TEXT.items():
            b = QtWidgets.QPushButton(text, self)
            b.setObjectName(f"{name}_{key}")
            b.setAccessibleName(text)
            b.clicked.connect(lambda _c=False, k=key: self._clicked(k))
            self.buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(3)
        lay.addWidget(self.what)
        lay.addWidget(self.body)
        lay.addLayout(row)
        self.hide()

    def _clicked(self, key: str) -> None:
        if key == "retry":
            self.retry.emit()
        else:
            error_actions().requested.emit(key)

    def show_explanation(
        self, e: Explanation, *, backend: Backend | None = None, run: bool = False,
        actions: tuple[str, ...] | None = None,
    ) -> None:
        """Show ``e`` with the buttons that apply here: a failed run has its own Retry button beside
        the timeline (``run``); only a local backend runs the built-in rules."""
        if actions is None:
            local = backend is not None and backend.kind == "local"
            actions = ("open_settings",) + (("use_rules",) if local else ()) + (() if run else ("retry",))
        self.explanation = e
        self.what.setText(e.what)
        self.body.setText(f"{e.means} {e.todo}".strip())
        self.setToolTip(e.detail)  # the original text, for support; never the headline
        allowed = tuple(a for a in e.actions if a in actions)
        for key, b in self.buttons.items():
            b.setVisible(key in allowed)
        self.setAccessibleDescription(e.text())
        self.setStyleSheet(banner_qss(self.objectName(), "D", self.palette()))
        self.show()

    def clear(self) -> None:
        self.explanation = None
        self.hide()
