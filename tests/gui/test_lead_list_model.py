"""The lead list model: Qt model contract (qtmodeltester), sorting, filtering, search, updates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.domain.timefmt import fmt_date, fmt_datetime
from leaselab_desktop.gui.lead_list.model import (
    BATCH_STATE_ROLE,
    LABEL_ROLE,
    LEAD_ID_ROLE,
    LeadTableModel,
    format_status,
    format_updated,
)
from leaselab_desktop.gui.lead_list.rows import NO_LABEL, Column, LeadFilter
from leaselab_desktop.gui.qt import Qt, QtCore

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def lead(i: int, first: str, last: str, score: int | None, *, status: str = "new",
         prop: str = "prop_1", label: str | None = None, email: str | None = None,
         minutes: int = 0, rec: str | None = "by score", overridden: bool = False) -> Lead:
    if rec == "by score":  # what the policy usually says for the score (tests of colours set their own)
        rec = None if score is None else "approve" if score >= 80 else "approve_with_conditions" if score >= 50 \
            else "reject"
    return Lead(
        id=f"lead_{i}", first_name=first, last_name=last,
        email=email or f"{first.lower()}.{last.lower()}@example.com",
        property_id=prop, property_name={"prop_1": "Maple Court", "prop_2": "Harbour View"}.get(prop, prop),
        unit_id="u1", unit_name="1A", status=status, ai_score=score,
        ai_label=label if label is not None else (None if score is None else "A" if score >= 80 else
                                                   "B" if score >= 50 else "C"),
        updated_at=T0 + timedelta(minutes=minutes), ai_recommendation=rec, ai_overridden=overridden,
    )


SAMPLE = [
    lead(1, "Ana", "Silva", 91, status="ai_evaluated", minutes=5),
    lead(2, "Bo", "Chen", None, minutes=50),
    lead(3, "Chloe", "Martin", 64, status="ai_evaluated", prop="prop_2", minutes=1),
    lead(4, "Dev", "Patel", 64, status="screening", minutes=30),
    lead(5, "Eve", "Okafor", 31, status="rejected", prop="prop_2", email="eve@contoso.org", minutes=2),
    lead(6, "Finn", "Berg", None, status="documents_received", prop="prop_2", minutes=10),
    lead(7, "Gus", "Old", 20, label="D", minutes=3),
]


def ids(model: LeadTableModel) -> list[str]:
    return [model.lead_id(r) for r in range(model.rowCount())]


@pytest.fixture
def model(qapp) -> LeadTableModel:
    m = LeadTableModel()
    m.set_leads(SAMPLE)
    return m


def test_model_passes_qtmodeltester(qtmodeltester, model: LeadTableModel) -> None:
    qtmodeltester.check(model, force_py=True)


@pytest.mark.parametrize("force_py", [True, False])
def test_model_passes_qtmodeltester_filtered_and_sorted(qtmodeltester, qapp, force_py: bool) -> None:
    m = LeadTableModel()
    m.set_leads(SAMPLE)
    m.set_filter(LeadFilter(text="e"))
    m.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(m, force_py=force_py)


def test_model_tester_follows_live_changes(qtmodeltester, qapp) -> None:
    m = LeadTableModel()
    qtmodeltester.check(m, force_py=True)  # keeps watching the signals emitted from here on
    m.set_leads(SAMPLE[:3])
    m.add_leads(SAMPLE[3:])
    m.set_filter(LeadFilter(status="ai_evaluated"))
    m.update_lead(lead(3, "Chloe", "Martin", 99, status="ai_evaluated", prop="prop_2"))
    m.set_filter(LeadFilter())
    m.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    m.set_batch_state("lead_2", "running")
    assert m.rowCount() == len(SAMPLE)


def test_default_sort_is_ai_score_best_first_with_unscored_last(model: LeadTableModel) -> None:
    assert ids(model) == ["lead_1", "lead_3", "lead_4", "lead_5", "lead_7", "lead_2", "lead_6"]
    # 64/64 tie broken by name (Chloe before Dev); unscored leads ordered by name too
    assert model.sort_column == Column.SCORE and model.descending


def test_ascending_score_keeps_unscored_last(model: LeadTableModel) -> None:
    model.sort(Column.SCORE, Qt.SortOrder.AscendingOrder)
    assert ids(model) == ["lead_7", "lead_5", "lead_3", "lead_4", "lead_1", "lead_2", "lead_6"]


def test_sort_by_other_columns(model: LeadTableModel) -> None:
    model.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert ids(model)[:3] == ["lead_1", "lead_2", "lead_3"]
    model.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert ids(model)[0] == "lead_7"
    model.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    assert ids(model)[:2] == ["lead_2", "lead_4"]
    model.sort(Column.LABEL, Qt.SortOrder.AscendingOrder)
    labels = [model.index(r, Column.LABEL).data(LABEL_ROLE) for r in range(model.rowCount())]
    assert labels == ["A", "B", "B", "C", "D", NO_LABEL, NO_LABEL]
    model.sort(Column.LABEL, Qt.SortOrder.DescendingOrder)
    labels = [model.index(r, Column.LABEL).data(LABEL_ROLE) for r in range(model.rowCount())]
    assert labels == ["D", "C", "B", "B", "A", NO_LABEL, NO_LABEL]
    model.sort(Column.PLACE, Qt.SortOrder.AscendingOrder)
    assert model.index(0, Column.PLACE).data() == "Harbour View · 1A"
    model.sort(Column.STATUS, Qt.SortOrder.AscendingOrder)
    assert model.index(0, Column.STATUS).data() == "AI evaluated"
    model.sort(99, Qt.SortOrder.AscendingOrder)  # out of range: ignored, not a crash
    assert model.sort_column == Column.STATUS


def test_display_roles(model: LeadTableModel) -> None:
    assert model.headerData(Column.SCORE, Qt.Orientation.Horizontal) == "AI score"
    idx = model.index(0, Column.NAME)
    assert idx.data() == "Ana Silva"
    assert idx.data(LEAD_ID_ROLE) == "lead_1"
    assert "ana.silva@example.com" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, Column.SCORE).data() == "91"
    assert model.index(0, Column.LABEL).data(Qt.ItemDataRole.AccessibleTextRole) == "Label A"
    last = model.rowCount() - 1
    assert model.index(last, Column.SCORE).data() == ""
    assert model.index(last, Column.LABEL).data(Qt.ItemDataRole.AccessibleTextRole) == "Not evaluated"
    assert model.index(0, Column.UPDATED).data() == format_updated(T0 + timedelta(minutes=5))
    assert model.data(QtCore.QModelIndex()) is None


def test_search_matches_name_and_email_case_insensitively(model: LeadTableModel) -> None:
    model.set_filter(LeadFilter(text="CHEN"))
    assert ids(model) == ["lead_2"]
    model.set_filter(LeadFilter(text="contoso"))
    assert ids(model) == ["lead_5"]
    model.set_filter(LeadFilter(text="  ana silva "))
    assert ids(model) == ["lead_1"]
    model.set_filter(LeadFilter(text="nobody-here"))
    assert ids(model) == []
    model.set_filter(LeadFilter())
    assert len(ids(model)) == len(SAMPLE)


def test_filters_status_property_label_and_combined(model: LeadTableModel) -> None:
    model.set_filter(LeadFilter(status="ai_evaluated"))
    assert ids(model) == ["lead_1", "lead_3"]
    model.set_filter(LeadFilter(property_id="prop_2"))
    assert ids(model) == ["lead_3", "lead_5", "lead_6"]
    model.set_filter(LeadFilter(label="B"))
    assert ids(model) == ["lead_3", "lead_4"]
    model.set_filter(LeadFilter(label=NO_LABEL))
    assert ids(model) == ["lead_2", "lead_6"]
    model.set_filter(LeadFilter(label="B", property_id="prop_1", text="dev"))
    assert ids(model) == ["lead_4"]
    model.set_filter(LeadFilter(status="lease_signed"))
    assert ids(model) == []


def test_incremental_narrowing_equals_fresh_filtering(qapp) -> None:
    rnd = random.Random(7)
    names = ["Ana", "Anabel", "Bob", "Bonnie", "Chen", "Dana", "Élodie", "Zoë"]
    leads = [lead(i, rnd.choice(names), rnd.choice(["Ng", "Nash", "Patel"]), rnd.choice([None, *range(101)]),
                  status=rnd.choice(["new", "ai_evaluated", "screening"]),
                  prop=rnd.choice(["prop_1", "prop_2"])) for i in range(400)]
    m = LeadTableModel()
    m.set_leads(leads)
    typed = ""
    for ch in "anab":
        typed += ch
        m.set_filter(LeadFilter(text=typed, status="new"))
        fresh = LeadTableModel()
        fresh.set_leads(leads)
        fresh.set_filter(LeadFilter(text=typed, status="new"))
        assert ids(m) == ids(fresh), typed
    m.set_filter(LeadFilter(text="ana"))  # widening: recomputed from the full order
    fresh = LeadTableModel()
    fresh.set_leads(leads)
    fresh.set_filter(LeadFilter(text="ana"))
    assert ids(m) == ids(fresh)
    assert m.rowCount() > 0
    assert all("ana" in m.index(r, 0).data(Qt.ItemDataRole.ToolTipRole).casefold()
               for r in range(m.rowCount()))


def test_update_lead_reorders_and_keeps_persistent_index(model: LeadTableModel) -> None:
    pidx = QtCore.QPersistentModelIndex(model.index(model.view_row_of("lead_2") or 0, Column.NAME))
    assert pidx.data() == "Bo Chen"
    model.update_lead(lead(2, "Bo", "Chen", 99, status="ai_evaluated"))
    assert ids(model)[0] == "lead_2"
    assert pidx.isValid() and pidx.row() == 0 and pidx.data() == "Bo Chen"
    assert model.index(0, Column.SCORE).data() == "99"
    # a filter that hides the row invalidates the index instead of pointing at another lead
    model.set_filter(LeadFilter(text="ana"))
    assert not pidx.isValid()


def test_update_of_an_unlisted_lead_adds_it(model: LeadTableModel) -> None:
    model.update_lead(lead(50, "New", "Person", 70))
    assert "lead_50" in ids(model)
    assert model.total == len(SAMPLE) + 1


def test_batch_state_is_shown_in_the_status_column(qtbot, model: LeadTableModel) -> None:
    row = model.view_row_of("lead_4")
    assert row is not None
    with qtbot.waitSignal(model.dataChanged):
        model.set_batch_state("lead_4", "running")
    assert model.index(row, Column.STATUS).data() == "Evaluating… · Screening"
    assert model.index(row, Column.NAME).data(BATCH_STATE_ROLE) == "running"
    model.set_batch_state("lead_4", None)
    assert model.index(row, Column.STATUS).data() == "Screening"
    model.set_batch_state("lead_not_listed", "queued")  # no row: remembered, no crash
    assert model.batch_state("lead_not_listed") == "queued"


def test_adding_pages_keeps_sort_and_filter(qapp) -> None:
    m = LeadTableModel()
    m.set_filter(LeadFilter(property_id="prop_2"))
    m.set_leads(SAMPLE[:4])
    assert ids(m) == ["lead_3"]
    m.add_leads(SAMPLE[4:])
    assert ids(m) == ["lead_3", "lead_5", "lead_6"]
    assert m.store.properties == {"prop_1": "Maple Court", "prop_2": "Harbour View"}


def test_formatting_of_status_and_dates() -> None:
    assert format_status("ai_evaluated") == "AI evaluated"
    assert format_status("documents_received") == "Documents received"
    assert format_status("some_new_state") == "Some new state"  # unknown values still readable
    assert format_status("") == ""
    noon = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert format_updated(noon, now=datetime(2026, 12, 1, tzinfo=UTC)) == fmt_datetime(noon)
    assert format_updated(noon, now=datetime(2027, 1, 2, tzinfo=UTC)) == fmt_date(noon)
    assert format_updated(None) == ""


@pytest.mark.parametrize("column", list(Column))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_single_row_updates_match_a_full_resort(qapp, column: Column, order: Qt.SortOrder) -> None:
    """update_lead places the row with bisect; the result must equal sorting from scratch."""
    rnd = random.Random(column * 2 + int(order == Qt.SortOrder.DescendingOrder))
    statuses = ["new", "ai_evaluated", "screening", "approved"]
    leads = [lead(i, rnd.choice(["Ana", "Bo", "Chen", "Dana"]), rnd.choice(["Ng", "Ito"]),
                  rnd.choice([None, *range(0, 101, 7)]), status=rnd.choice(statuses),
                  prop=rnd.choice(["prop_1", "prop_2"]), minutes=rnd.randint(0, 50)) for i in range(120)]
    m = LeadTableModel()
    m.set_leads(leads)
    m.sort(column, order)
    m.set_filter(LeadFilter(status="ai_evaluated"))
    for _ in range(40):
        i = rnd.randrange(len(leads))
        old = leads[i]
        leads[i] = lead(i, old.first_name, old.last_name, rnd.choice([None, *range(0, 101, 3)]),
                        status=rnd.choice(statuses), prop=rnd.choice(["prop_1", "prop_2"]),
                        minutes=rnd.randint(0, 50))
        m.update_lead(leads[i])
        fresh = LeadTableModel()
        fresh.set_leads(leads)
        fresh.sort(column, order)
        fresh.set_filter(LeadFilter(status="ai_evaluated"))
        assert ids(m) == ids(fresh)
    m.set_filter(LeadFilter())
    fresh.set_filter(LeadFilter())
    assert ids(m) == ids(fresh)


@pytest.mark.parametrize("seed", range(6))
def test_random_live_updates_match_a_fresh_model(qtmodeltester, qapp, seed: int) -> None:
    """update_lead moves one row by bisection and Qt's move/insert/remove signals; after every update
    the rows (and a persistent index) must be exactly where a model built from scratch puts them."""
    rng = random.Random(seed)
    statuses = ["new", "screening", "ai_evaluated", "rejected"]
    current = {i: lead(i, rng.choice(["Ana", "Bo", "Cy", "Di"]), f"N{i}", rng.choice([None, 10, 50, 50, 90]),
                       status=rng.choice(statuses), prop=rng.choice(["prop_1", "prop_2"]), minutes=rng.randint(0, 9))
               for i in range(40)}
    m = LeadTableModel()
    m.set_leads(current.values())
    column = rng.choice(list(Column))
    order = rng.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
    m.sort(column, order)
    flt = rng.choice([LeadFilter(), LeadFilter(status="screening"), LeadFilter(text="n1"),
                      LeadFilter(property_id="prop_2", label="B")])
    m.set_filter(flt)
    qtmodeltester.check(m, force_py=True)  # watches every signal from here on
    watched = QtCore.QPersistentModelIndex(m.index(0, Column.NAME)) if m.rowCount() else None
    watched_id = m.lead_id(0) if m.rowCount() else None
    for _ in range(60):
        i = rng.randrange(40)
        old = current[i]
        current[i] = old.model_copy(update={
            "ai_score": rng.choice([None, 10, 50, 50, 90, old.ai_score]),
            "status": rng.choice(statuses), "property_id": rng.choice(["prop_1", "prop_2"]),
            "updated_at": T0 + timedelta(minutes=rng.randint(0, 9))})
        current[i].ai_label = None if current[i].ai_score is None else "A" if current[i].ai_score >= 80 else "B"
        m.update_lead(current[i])
        fresh = LeadTableModel()
        fresh.set_leads(current.values())
        fresh.sort(column, order)
        fresh.set_filter(flt)
        assert ids(m) == ids(fresh)
        if watched is not None and watched.isValid():
            assert m.lead_id(watched.row()) == watched_id
        elif watched is not None:
            assert m.view_row_of(watched_id or "") is None  # invalid only when its lead is hidden
            watched = None


def test_search_keys_stay_aligned_with_hostile_names(qapp) -> None:
    """Search keys are folded in one pass over joined text; a name holding the join's separator
    (or characters that fold to several, like ß) must not shift other leads' keys."""
    leads = [lead(1, "Ann\x1eX", "Straße", 50), lead(2, "Bea", "Klein", 60), lead(3, "CAFÉ", "Ñandú", 70)]
    m = LeadTableModel()
    m.set_leads(leads)
    m.set_filter(LeadFilter(text="strasse"))
    assert ids(m) == ["lead_1"]
    m.set_filter(LeadFilter(text="bea"))
    assert ids(m) == ["lead_2"]
    m.set_filter(LeadFilter(text="café ñandú"))
    assert ids(m) == ["lead_3"]
