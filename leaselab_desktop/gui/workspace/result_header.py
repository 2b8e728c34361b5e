"""The result's header: the decision in one line and its actions (Override, Export), above the
scrolling evaluation so they stay in view however long the card is.

The buttons and the action status are the result card's own widgets (their behaviour stays in
``result_card.py``); the header only gives them a place that does not scroll. The one-line summary
repeats the card's score, label and recommendation texts, so it speaks the card's vocabulary.
"""

from __future__ import annotations

from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.workspace.result_card import ResultCard


def detach(widget: QtWidgets.QWidget) -> None:
    """Take ``widget`` out of whatever layout of its parent holds it (nested layouts included)."""
    parent = widget.parentWidget()
    stack = [parent.layout()] if parent is not None and parent.layout() is not None else []
    while stack:
        layout = stack.pop()
        if layout is None:
            continue
        if layout.indexOf(widget) >= 0:
            layout.removeWidget(widget)
            return
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is not None and item.layout() is not None:
                stack.append(item.layout())


class ResultHeader(QtWidgets.QFrame):
    def __init__(self, card: ResultCard, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultHeader")
        self.setAccessibleName("Result and its actions")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self._card = card
        self.summary = QtWidgets.QLabel("", self)  # wraps rather than cut the recommendation
        self.summary.setWordWrap(True)
        self.summary.setObjectName("resultHeaderSummary")
        self.summary.setAccessibleName("Decision")
        bold = self.summary.font()
        bold.setBold(True)
        self.summary.setFont(bold)
        self.action_buttons: list[QtWidgets.QWidget] = [
            w for w in (getattr(card, "override_button", None), getattr(card, "export_button", None))
            if isinstance(w, QtWidgets.QWidget)
        ]
        self.status: QtWidgets.QWidget | None = getattr(card, "action_status", None)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.summary, 1)
        for w in self.action_buttons:
            detach(w)
            w.setParent(self)
            row.addWidget(w)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(row)
        if self.status is not None:
            detach(self.status)
            self.status.setParent(self)
            lay.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        """Repeat the card's decision; the header hides while there is no evaluation."""
        card = self._card
        has = card.evaluation is not None
        parts = []
        if has:
            for name in ("score_value", "label_badge", "recommendation_chip"):
                label = getattr(card, name, None)
                text = label.text().strip() if isinstance(label, QtWidgets.QLabel) else ""
                if text:
                    parts.append(f"Score {text}" if name == "score_value" and text.isdigit() else text)
        self.summary.setText(" · ".join(parts))
        self.setVisible(has)
