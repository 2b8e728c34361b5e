"""The "New lead…" dialog (``ui/new_lead.ui``): property and unit from the backend, applicant facts.

The dialog only collects and validates; the workspace creates the lead (local backend only).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from leaselab_desktop.domain.models import NewLead, Property, Unit
from leaselab_desktop.domain.vocab import EMPLOYMENT_STATUSES
from leaselab_desktop.gui.qt import QObject, QtCore, QtWidgets, Signal
from leaselab_desktop.gui.workspace.style import human, money
from leaselab_desktop.gui.workspace.uiload import child, load_form

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NewLeadDialog(QObject):
    submitted = Signal(object)  # NewLead
    property_changed = Signal(str)  # the owner loads the units of this property

    def __init__(self, properties: list[Property], parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        dlg = load_form("new_lead.ui", parent)
        assert isinstance(dlg, QtWidgets.QDialog)
        self.dialog: QtWidgets.QDialog = dlg
        dlg.setObjectName("newLeadDialog")
        self.first = child(dlg, QtWidgets.QLineEdit, "firstNameEdit")
        self.last = child(dlg, QtWidgets.QLineEdit, "lastNameEdit")
        self.email = child(dlg, QtWidgets.QLineEdit, "emailEdit")
        self.phone = child(dlg, QtWidgets.QLineEdit, "phoneEdit")
        self.property_combo = child(dlg, QtWidgets.QComboBox, "propertyCombo")
        self.unit = child(dlg, QtWidgets.QComboBox, "unitCombo")
        self.income = child(dlg, QtWidgets.QDoubleSpinBox, "incomeSpin")
        self.employment = child(dlg, QtWidgets.QComboBox, "employmentCombo")
        self.employer = child(dlg, QtWidgets.QLineEdit, "employerEdit")
        self.start = child(dlg, QtWidgets.QDateEdit, "employmentStartEdit")
        self.message = child(dlg, QtWidgets.QPlainTextEdit, "messageEdit")
        self.error_label = child(dlg, QtWidgets.QLabel, "errorLabel")
        buttons = child(dlg, QtWidgets.QDialogButtonBox, "buttonBox")
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(dlg.reject)
        dlg.finished.connect(lambda _r: dlg.deleteLater())

        for p in properties:
            self.property_combo.addItem(p.name + (f" — {p.city}" if p.city else ""), p.id)
        self.employment.addItem("—", "")
        for e in EMPLOYMENT_STATUSES:
            self.employment.addItem(human(e), e)
        self.start.setDate(QtCore.QDate.currentDate().addYears(-1))
        self.property_combo.currentIndexChanged.connect(
            lambda _i: self.property_changed.emit(str(self.property_combo.currentData() or "")))

    def set_units(self, property_id: str, units: list[Unit]) -> None:
        if property_id != self.property_combo.currentData():
            return  # an answer for a property no longer selected
        self.unit.clear()
        self.unit.addItem("No unit yet", "")
        for u in units:
            rent = f" — {money(u.monthly_rent)}/month" if u.monthly_rent else ""
            self.unit.addItem(f"{u.name}{rent}", u.id)
        if units:
            self.unit.setCurrentIndex(1)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)

    def problem(self) -> str | None:
        if not self.first.text().strip() or not self.last.text().strip():
            return "First and last name are required."
        if not _EMAIL.match(self.email.text().strip()):
            return "Enter a valid email address."
        if not self.property_combo.currentData():
            return "Choose a property."
        return None

    def value(self) -> NewLead:
        d = self.start.date()
        employed = self.employment.currentData() or None
        return NewLead(
            property_id=str(self.property_combo.currentData()),
            unit_id=self.unit.currentData() or None,
            first_name=self.first.text().strip(),
            last_name=self.last.text().strip(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip() or None,
            employment_status=employed,
            employer=self.employer.text().strip() or None,
            employment_start_date=datetime(d.year(), d.month(), d.day(), tzinfo=UTC)
            if employed in ("employed", "self_employed") else None,
            monthly_income=self.income.value() or None,
            message=self.message.toPlainText().strip() or None,
        )

    def _try_accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.show_error(problem)
            return
        self.show_error("")
        self.submitted.emit(self.value())  # the owner closes the dialog once the lead exists

    def open(self) -> None:
        self.dialog.open()
        if self.property_combo.count():
            self.property_changed.emit(str(self.property_combo.currentData()))
