"""Lead detail: applicant facts, documents (list + preview + attach) and the evaluation history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from leaselab_desktop.domain.models import Evaluation, Lead, LeadFile
from leaselab_desktop.domain.timefmt import fmt_date, utcnow
from leaselab_desktop.gui.qt import QtCore, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.documents import DocumentsPanel
from leaselab_desktop.gui.workspace.style import human, label_color, money, when

_FACTS = (
    ("income", "Monthly income"),
    ("rent", "Monthly rent"),
    ("ratio", "Rent-to-income"),
    ("employment", "Employment"),
    ("tenure", "Employed since"),
    ("contact", "Contact"),
    ("movein", "Move-in"),
)


def tenure(start: datetime | None, now: datetime) -> str:
    if start is None:
        return "—"
    months = (now.year - start.year) * 12 + now.month - start.month - (now.day < start.day)
    if months < 0:
        return f"{fmt_date(start)} (starts later)"
    span = f"{months} month{'s' if months != 1 else ''}" if months < 24 else f"{months // 12} years"
    return f"{fmt_date(start)} ({span})"


class LeadDetail(QtWidgets.QWidget):
    evaluation_selected = Signal(object)  # Evaluation chosen in the history

    def __init__(
        self,
        tasks: TaskRunner,
        parent: QtWidgets.QWidget | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadDetail")
        self._clock = clock
        self._lead: Lead | None = None
        self._history: list[Evaluation] = []

        self.name = QtWidgets.QLabel("No lead selected", self)
        self.name.setObjectName("leadName")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.name.setFont(font)
        self.subtitle = QtWidgets.QLabel("", self)
        self.subtitle.setObjectName("leadSubtitle")
        self.subtitle.setWordWrap(True)

        facts_box = QtWidgets.QGroupBox("Applicant", self)
        form = QtWidgets.QFormLayout(facts_box)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.facts: dict[str, QtWidgets.QLabel] = {}
        for key, title in _FACTS:
            value = QtWidgets.QLabel("—", facts_box)
            value.setObjectName(f"fact_{key}")
            value.setAccessibleName(title)
            value.setWordWrap(True)
            value.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, value)
            self.facts[key] = value

        docs_box = QtWidgets.QGroupBox("Documents", self)
        self.documents = DocumentsPanel(tasks, docs_box)
        QtWidgets.QVBoxLayout(docs_box).addWidget(self.documents)

        hist_box = QtWidgets.QGroupBox("Evaluation history", self)
        self.history = QtWidgets.QListWidget(hist_box)
        self.history.setObjectName("evaluationHistory")
        self.history.setAccessibleName("Evaluation history")
        self.history.setMaximumHeight(76)
        self.history.currentRowChanged.connect(self._on_history_row)
        QtWidgets.QVBoxLayout(hist_box).addWidget(self.history)

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.name)
        lay.addWidget(self.subtitle)
        lay.addWidget(facts_box)
        lay.addWidget(docs_box, 1)
        lay.addWidget(hist_box)

    @property
    def lead(self) -> Lead | None:
        return self._lead

    def clear(self, message: str = "No lead selected") -> None:
        self._lead = None
        self.name.setText(message)
        self.subtitle.setText("")
        for value in self.facts.values():
            value.setText("—")
        self.documents.set_files(None, [])
        self.set_history([])

    def set_lead(self, lead: Lead, files: list[LeadFile]) -> None:
        self._lead = lead
        self.name.setText(lead.full_name or lead.id)
        place = " · ".join(p for p in (lead.property_name or lead.property_id,
                                       f"Unit {lead.unit_name}" if lead.unit_name else None) if p)
        self.subtitle.setText(" · ".join(p for p in (place, human(lead.status)) if p))
        ratio = lead.rent_to_income
        f = self.facts
        f["income"].setText(money(lead.monthly_income))
        f["rent"].setText(money(lead.monthly_rent))
        if ratio is None:
            f["ratio"].setText("—")
        else:
            f["ratio"].setText(f"{ratio:.0%} of income")
        f["employment"].setText(" · ".join(p for p in (human(lead.employment_status)
                                                       if lead.employment_status else None,
                                                       lead.employer) if p) or "—")
        f["tenure"].setText(tenure(lead.employment_start_date, self._clock()))
        f["contact"].setText(" · ".join(p for p in (lead.email, lead.phone) if p) or "—")
        f["movein"].setText(fmt_date(lead.move_in_date))
        self.documents.set_files(lead.id, files)

    def set_history(self, history: list[Evaluation]) -> None:
        """Newest first; the first entry is selected without emitting a selection."""
        self._history = list(history)
        self.history.blockSignals(True)
        self.history.clear()
        for ev in self._history:
            text = f"{when(ev.evaluated_at)}  ·  {ev.score} {ev.label}  ·  {human(ev.recommendation)}"
            item = QtWidgets.QListWidgetItem(text)
            item.setForeground(label_color(ev.label, self.palette()))
            item.setToolTip(ev.evaluation_id)
            self.history.addItem(item)
        if not self._history:
            self.history.addItem("No evaluation yet")
            self.history.item(0).setFlags(QtCore.Qt.ItemFlag.NoItemFlags)
        else:
            self.history.setCurrentRow(0)
        self.history.blockSignals(False)

    def select_history(self, evaluation_id: str) -> None:
        for row, ev in enumerate(self._history):
            if ev.evaluation_id == evaluation_id:
                self.history.setCurrentRow(row)
                return

    def _on_history_row(self, row: int) -> None:
        if 0 <= row < len(self._history):
            self.evaluation_selected.emit(self._history[row])
