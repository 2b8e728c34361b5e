"""The lead list is defined once, by ``LEAD_LIST``: a column added to that one list reaches the
store's packed page query, ``LeadRows``, the Qt model (title, alignment, text, sort) and the painted
table, with no other change.

The extension runs in a fresh interpreter, so that the modules read the extended spec at import as
they read the real one, and this test session keeps the real list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from leaselab_desktop.domain.listing import LEAD_LIST, shown_columns
from leaselab_desktop.gui.lead_list.model import LeadTableModel
from leaselab_desktop.gui.lead_list.rows import COLUMN_TITLES, Column
from leaselab_desktop.gui.qt import Qt

ROOT = Path(__file__).resolve().parents[2]

EXTENDED = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from leaselab_desktop.domain import listing
    from leaselab_desktop.domain.listing import ListField, Shown

    # The whole change: one entry per column (a text column, and a mark).
    listing.LEAD_LIST = (*listing.LEAD_LIST, ListField(
        "employments", "COALESCE(l.employment_status, '')", "text", lambda lead: lead.employment_status or "",
        repeats=True, shown=Shown("employment", "Employment", "text", align="right", width_sample="self_employed"),
    ), ListField(
        "phoned", "l.phone IS NOT NULL", "bool", lambda lead: lead.phone is not None,
        shown=Shown("phoned", "Has a phone number", "number", "flag", "center", width_sample="Phone", mark="☎"),
    ))

    from leaselab_desktop.domain.listing import LeadRows
    from leaselab_desktop.domain.models import LeadQuery, NewLead
    from leaselab_desktop.gui.lead_list.model import LeadTableModel
    from leaselab_desktop.gui.lead_list.rows import Column
    from leaselab_desktop.gui.lead_list.table import LeadTableView
    from leaselab_desktop.gui.qt import Qt, QtWidgets
    from leaselab_desktop.store import Database, leads

    TS = "2026-11-01T00:00:00.000Z"

    def seed(c):
        c.execute("INSERT INTO sites (id, name, tier, created_at) VALUES ('s','S','free',?)", (TS,))
        c.execute("INSERT INTO properties (id, site_id, name, created_at) VALUES ('p','s','Harbour',?)", (TS,))
        for first, job in (("Ana", "student"), ("Ben", "employed"), ("Cy", None)):
            new = NewLead(property_id="p", first_name=first, last_name="Doe", email=first + "@x",
                          employment_status=job, phone="555" if first == "Ben" else None)
            leads.insert_lead(c, "s", new)

    db = Database.open(Path(sys.argv[1]))
    db.write_sync(seed)
    rows = db.read_sync(lambda c: leads.list_lead_rows(c, "s", LeadQuery(limit=10)))
    full = db.read_sync(lambda c: leads.list_leads(c, "s", LeadQuery(limit=10)))
    db.close()
    from_models = LeadRows.from_leads(sorted(full.items, key=lambda lead: lead.id))

    app = QtWidgets.QApplication([])
    model = LeadTableModel()
    model.set_leads(rows)
    col = Column.EMPLOYMENT
    model.sort(col, Qt.SortOrder.AscendingOrder)
    sorted_texts = [model.index(r, col).data() for r in range(model.rowCount())]
    view = LeadTableView()
    view.show_leads(model)
    view.resize(900, 300)
    picture = view.grab()  # paints every column, the new ones too
    mark = Column.PHONED
    model.sort(mark, Qt.SortOrder.DescendingOrder)
    print(json.dumps({
        "marks": [model.index(r, mark).data() for r in range(model.rowCount())],
        "mark_read_out": model.index(0, mark).data(Qt.ItemDataRole.AccessibleTextRole),
        "marked_first": model.index(0, Column.NAME).data(),
        "columns": model.columnCount(),
        "title": model.headerData(col, Qt.Orientation.Horizontal),
        "align": model.index(0, col).data(Qt.ItemDataRole.TextAlignmentRole),
        "sorted": sorted_texts,
        "store_equals_models": [rows.row(i) for i in range(len(rows))]
                               == [from_models.row(i) for i in range(len(from_models))],
        "employments": sorted(rows.employments),
        "painted": not picture.isNull(),
    }))
''')


def test_the_real_spec_drives_the_model(qapp) -> None:
    model = LeadTableModel()
    shown = shown_columns()
    assert model.columnCount() == len(shown) == len(Column)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == COLUMN_TITLES
    assert COLUMN_TITLES == ["Name", "Label", "Recommendation", "AI score", "Status", "Property / unit",
                             "Updated"]
    assert LEAD_LIST[0].name == "ids"  # the store pages by it


def test_adding_a_column_touches_one_list(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", EXTENDED, str(tmp_path / "t.sqlite3")],
        capture_output=True, text=True, env=env, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["columns"] == len(Column) + 2 and out["title"] == "Employment"
    assert out["align"] == int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert out["sorted"] == ["", "employed", "student"]
    assert out["store_equals_models"] and out["employments"] == ["", "employed", "student"]
    assert out["painted"]
    assert out["marks"] == ["☎", "", ""] and out["mark_read_out"] == "Has a phone number"
    assert out["marked_first"] == "Ben Doe"
