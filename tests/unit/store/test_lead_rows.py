"""list_lead_rows: the lead list's columns straight from SQL, equal to what list_leads says."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.domain.listing import LeadRows, epoch_seconds
from leaselab_desktop.domain.models import LeadQuery, NewLead
from leaselab_desktop.store import Database, leads

SITE = "site_t"
TS = "2026-11-01T00:00:00.000Z"


def seed(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO sites (id, name, tier, created_at) VALUES (?,?,?,?)", (SITE, "T", "free", TS))
    conn.execute("INSERT INTO sites (id, name, tier, created_at) VALUES ('other','O','free',?)", (TS,))
    for pid, site, name in (("p1", SITE, "Harbour"), ("p2", SITE, "Annex"), ("px", "other", "Elsewhere")):
        conn.execute("INSERT INTO properties (id, site_id, name, created_at) VALUES (?,?,?,?)", (pid, site, name, TS))
    conn.execute("INSERT INTO units (id, property_id, site_id, name, monthly_rent, created_at) "
                 "VALUES ('u1','p1',?,'101',2400,?)", (SITE, TS))


@pytest.fixture
def db(tmp_path: Path):
    database = Database.open(tmp_path / "t.sqlite3")
    database.write_sync(seed)
    yield database
    database.close()


def add(db: Database, first: str, email: str, prop: str = "p1", unit: str | None = "u1", **sql: Any) -> str:
    new = NewLead(property_id=prop, unit_id=unit, first_name=first, last_name="Doe", email=email)
    lead_id = db.write_sync(lambda c: leads.insert_lead(c, SITE, new))
    for column, value in sql.items():  # raw values, as a damaged or foreign database may hold them
        db.write_sync(lambda c, k=column, v=value: c.execute(f"UPDATE leads SET {k} = ? WHERE id = ?", (v, lead_id)))
    return lead_id


def rows(db: Database, **query: Any) -> LeadRows:
    return db.read_sync(lambda c: leads.list_lead_rows(c, SITE, LeadQuery(**query)))


def test_rows_match_the_full_lead_models(db: Database) -> None:
    a = add(db, "Ana", "ana@example.com", ai_score=91, ai_label="A", status="ai_evaluated")
    b = add(db, "Ben", "ben@example.com", prop="p2", unit=None, updated_at="2026-11-20 08:30:00")
    c = add(db, "Chloé", "chloe@example.com", ai_score=44, ai_label="C")
    full = db.read_sync(lambda conn: leads.list_leads(conn, SITE, LeadQuery(limit=100)))
    expected = LeadRows.from_leads(sorted(full.items, key=lambda lead: lead.id))
    got = rows(db, limit=100)
    assert got.ids == sorted([a, b, c])  # id order
    assert [got.row(i) for i in range(len(got))] == [expected.row(i) for i in range(len(expected))]
    at = {lead_id: i for i, lead_id in enumerate(got.ids)}
    assert [got.places[at[x]] for x in (a, b, c)] == ["Harbour · 101", "Annex", "Harbour · 101"]
    assert got.stamps[at[b]] == datetime(2026, 11, 20, 8, 30, tzinfo=UTC).timestamp()
    assert got.properties == {"p1": "Harbour", "p2": "Annex"}
    assert got.next_cursor is None


def test_keyset_pages_cover_every_lead_once_and_never_other_sites(db: Database) -> None:
    ids = {add(db, f"L{i}", f"l{i}@example.com") for i in range(23)}
    db.write_sync(lambda c: c.execute(
        "INSERT INTO leads (id, site_id, property_id, first_name, last_name, email, status, created_at, updated_at) "
        "VALUES ('lead_zz_other', 'other', 'px', 'Eve', 'X', 'eve@x', 'new', ?, ?)", (TS, TS)))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = rows(db, limit=5, cursor=cursor)
        seen += page.ids
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 5 and sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    exact = rows(db, limit=23)  # a page that ends exactly at the last lead has no next page
    assert len(exact) == 23 and exact.next_cursor is None


def test_filters_select_the_same_leads_as_list_leads(db: Database) -> None:
    add(db, "Ana", "ana@example.com", ai_score=91, ai_label="A", status="ai_evaluated")
    add(db, "Ben", "ben@example.com", prop="p2", status="screening")
    add(db, "Ann", "ann@other.org", ai_label="B")
    for query in ({"q": "an"}, {"q": "ANA@"}, {"status": "screening"}, {"label": "A"}, {"property_id": "p2"},
                  {"q": "%"}, {"q": "_"}, {"q": "'; DROP TABLE leads; --"}, {"q": "\x00an"}):
        full = db.read_sync(lambda c, q=query: leads.list_leads(c, SITE, LeadQuery(**q)))
        assert sorted(rows(db, **query).ids) == sorted(x.id for x in full.items), query
    assert db.read_sync(lambda c: c.execute("SELECT count(*) FROM leads").fetchone()[0]) == 3


def test_hostile_and_damaged_values_are_listed_not_lost(db: Database) -> None:
    sep = add(db, "Unit\x1fSep", "x\x1fy@example.com")  # the packed read's separator, inside a value
    epoch = add(db, "Epoch", "e@example.com", updated_at=1_790_000_000)
    junk = add(db, "Junk", "j@example.com", updated_at="not a date", created_at="also not")
    real = add(db, "Real", "r@example.com", ai_score=72.6)
    text = add(db, "Text", "t@example.com", ai_score="ninety")
    got = rows(db, limit=100)
    row = {lead_id: i for i, lead_id in enumerate(got.ids)}
    assert len(got) == 5
    assert got.names[row[sep]] == "Unit\x1fSep Doe" and got.emails[row[sep]] == "x\x1fy@example.com"
    assert got.stamps[row[epoch]] == 1_790_000_000
    full = db.read_sync(lambda c: leads.get_lead(c, SITE, epoch))  # the detail reads it the same way
    assert full is not None and full.updated_at is not None and full.updated_at.timestamp() == 1_790_000_000
    assert got.stamps[row[junk]] is None
    assert got.scores[row[real]] == 73 and got.scores[row[text]] is None


def test_the_list_index_covers_the_query(db: Database) -> None:
    plan = db.read_sync(lambda c: c.execute(
        "EXPLAIN QUERY PLAN " + leads._ROWS_SELECT + " WHERE l.site_id = ? AND l.is_active = 1 AND l.id > ? "
        "ORDER BY l.id LIMIT 5", (SITE, "")).fetchall())
    assert any("COVERING INDEX idx_leads_list" in str(tuple(step)) for step in plan), [tuple(s) for s in plan]


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-11-25T20:35:00.000Z", datetime(2026, 11, 25, 20, 35, tzinfo=UTC).timestamp()),
    ("2026-11-25 20:35:00", datetime(2026, 11, 25, 20, 35, tzinfo=UTC).timestamp()),
    (1_790_000_000_123, 1_790_000_000.123),
    ("1790000000", 1_790_000_000), ("garbage", None), ("", None), (None, None), ("9999-99-99", None),
])
def test_epoch_seconds(value: object, expected: float | None) -> None:
    assert epoch_seconds(value) == expected


def _evaluate(db: Database, lead_id: str, eid: str, rec: str, when: str) -> Any:
    from leaselab_desktop.domain.models import Evaluation
    from leaselab_desktop.store import evaluations

    ev = Evaluation(evaluation_id=eid, lead_id=lead_id, score=43, label="C", recommendation=rec,
                    evaluated_at=when)  # type: ignore[arg-type]
    db.write_sync(lambda c: evaluations.insert_evaluation(c, SITE, ev, facts={}, file_hashes=[],
                                                          forced_reason=None, requested_by="agent"))
    return ev


def _override(db: Database, ev: Any, rec: str) -> None:
    from leaselab_desktop.store import evaluations

    db.write_sync(lambda c: evaluations.add_override(c, SITE, ev, rec, "checked the lease history", "agent"))


def test_the_final_decision_is_listed_the_latest_override_winning(db: Database) -> None:
    plain = add(db, "Ana", "ana@example.com", ai_score=43, ai_label="C")
    twice = add(db, "Ben", "ben@example.com", ai_score=64, ai_label="B")
    redone = add(db, "Cy", "cy@example.com", ai_score=70, ai_label="B")
    never = add(db, "Di", "di@example.com")
    _evaluate(db, plain, "ev_a", "approve_with_verification", "2026-11-02T10:00:00.000Z")
    ev_b = _evaluate(db, twice, "ev_b", "approve_with_conditions", "2026-11-02T10:00:00.000Z")
    _override(db, ev_b, "reject")
    _override(db, ev_b, "approve_with_verification")  # the latest override wins
    old = _evaluate(db, redone, "ev_c1", "reject", "2026-11-01T10:00:00.000Z")
    _override(db, old, "approve")
    _evaluate(db, redone, "ev_c2", "approve_with_conditions", "2026-11-03T10:00:00.000Z")  # a new evaluation
    got = rows(db, limit=100)
    at = {lead_id: i for i, lead_id in enumerate(got.ids)}
    assert [got.recommendations[at[x]] for x in (plain, twice, redone, never)] == [
        "approve_with_verification", "approve_with_verification", "approve_with_conditions", ""]
    assert [got.overridden[at[x]] for x in (plain, twice, redone, never)] == [False, True, False, False]
    # the one-lead read (a row refreshed after a run or an override) says the same
    one = db.read_sync(lambda c: leads.get_lead(c, SITE, twice))
    assert one is not None and (one.ai_recommendation, one.ai_overridden) == ("approve_with_verification", True)
    none = db.read_sync(lambda c: leads.get_lead(c, SITE, never))
    assert none is not None and (none.ai_recommendation, none.ai_overridden) == (None, False)
    full = db.read_sync(lambda conn: leads.list_leads(conn, SITE, LeadQuery(limit=100)))
    expected = LeadRows.from_leads(sorted(full.items, key=lambda lead: lead.id))
    assert [got.row(i) for i in range(len(got))] == [expected.row(i) for i in range(len(expected))]
