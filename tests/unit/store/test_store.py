"""The store: migrations, damaged files, atomic quota, append-only overrides, lead queries."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from leaselab_desktop.domain.models import Evaluation, LeadQuery, NewLead
from leaselab_desktop.store import Database, SchemaTooNew, StoreError, leads, usage
from leaselab_desktop.store import evaluations as evals
from leaselab_desktop.store.migrate import load_migrations, migrate

SITE = "site_t"


def seed(conn: sqlite3.Connection, tier: str = "free") -> None:
    ts = "2026-11-01T00:00:00.000Z"
    conn.execute("INSERT INTO sites (id, name, tier, created_at) VALUES (?,?,?,?)", (SITE, "T", tier, ts))
    conn.execute("INSERT INTO properties (id, site_id, name, created_at) VALUES ('p1', ?, 'Harbour', ?)", (SITE, ts))
    conn.execute(
        "INSERT INTO units (id, property_id, site_id, name, monthly_rent, created_at) "
        "VALUES ('u1','p1',?,'101',2400,?)",
        (SITE, ts),
    )


@pytest.fixture
def db(tmp_path: Path):
    database = Database.open(tmp_path / "t.sqlite3")
    database.write_sync(seed)
    yield database
    database.close()


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    assert migrate(conn) == [m.version for m in load_migrations()]
    assert migrate(conn) == []
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert versions == [m.version for m in load_migrations()]
    conn.close()


def test_database_from_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    Database.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer version of LeaseLab Desktop"):
        Database.open(path)


@pytest.mark.parametrize("content", [b"garbage" * 100, b"SQLite format 3\x00" + b"\x00" * 50])
def test_damaged_file_gives_clear_error_and_is_kept(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="damaged or is not a LeaseLab database"):
        Database.open(path)
    assert path.read_bytes() == content


def test_truncated_database_gives_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "trunc.sqlite3"
    db = Database.open(path)
    db.write_sync(seed)
    db.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError):
        Database.open(path)


def test_quota_is_atomic_under_concurrency(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    db = Database.open(path)
    db.write_sync(seed)
    db.close()
    accepted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:  # separate connections, as separate processes would have
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        for _ in range(5):
            n = usage.try_consume(conn, SITE, "2026-11")
            if n is not None:
                with lock:
                    accepted.append(n)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(accepted) == list(range(1, 21))  # free tier: exactly 20 of 40 attempts
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    u = usage.usage(conn, SITE, "2026-11")
    assert (u.evaluation_count, u.remaining, u.level) == (20, 0, "blocked")
    usage.give_back(conn, SITE, "2026-11")
    assert usage.usage(conn, SITE, "2026-11").remaining == 1
    conn.close()


def _lead(db: Database, first: str, email: str) -> str:
    new = NewLead(property_id="p1", unit_id="u1", first_name=first, last_name="Doe", email=email, monthly_income=8000)
    return db.write_sync(lambda c: leads.insert_lead(c, SITE, new))


def test_lead_queries_search_sort_and_hostile_strings(db: Database) -> None:
    a = _lead(db, "Ana", "ana@example.com")
    b = _lead(db, "Ben", "ben@example.com")
    db.write_sync(lambda c: c.execute("UPDATE leads SET ai_score = 91, ai_label='A' WHERE id = ?", (b,)))
    page = db.read_sync(lambda c: leads.list_leads(c, SITE, LeadQuery()))
    assert [lead.id for lead in page.items] == [b, a]  # scored first, best first
    assert page.items[0].monthly_rent == 2400 and page.items[0].property_name == "Harbour"
    found = db.read_sync(lambda c: leads.list_leads(c, SITE, LeadQuery(q="ANA@")))
    assert [lead.id for lead in found.items] == [a]
    for hostile in ["%", "_", "'; DROP TABLE leads; --", "\\", "\x00qqq"]:
        res = db.read_sync(lambda c, h=hostile: leads.list_leads(c, SITE, LeadQuery(q=h)))
        assert res.items == []
    assert db.read_sync(lambda c: c.execute("SELECT count(*) FROM leads").fetchone()[0]) == 2
    paged = db.read_sync(lambda c: leads.list_leads(c, SITE, LeadQuery(limit=1)))
    assert paged.next_cursor == "1"


def test_overrides_are_append_only_and_evaluation_unchanged(db: Database) -> None:
    lead_id = _lead(db, "Cy", "cy@example.com")
    ev = Evaluation(evaluation_id="ev1", lead_id=lead_id, score=55, label="B", recommendation="approve_with_conditions",
                    evaluated_at="2026-11-20T10:00:00Z")  # type: ignore[arg-type]
    assert db.write_sync(lambda c: evals.insert_evaluation(c, SITE, ev, facts={}, file_hashes=["h"],
                                                           forced_reason=None, requested_by="me"))
    assert not db.write_sync(lambda c: evals.insert_evaluation(c, SITE, ev, facts={}, file_hashes=["h"],
                                                               forced_reason=None, requested_by="me"))
    o1 = db.write_sync(lambda c: evals.add_override(c, SITE, ev, "approve", "Guarantor provided", "agent1"))
    o2 = db.write_sync(lambda c: evals.add_override(c, SITE, ev, "reject", "Guarantor withdrew", "agent2"))
    assert (o1.from_recommendation, o2.from_recommendation) == ("approve_with_conditions", "approve")
    trail = db.read_sync(lambda c: evals.list_overrides(c, SITE, "ev1"))
    assert [o.to_recommendation for o in trail] == ["approve", "reject"]
    stored = db.read_sync(lambda c: evals.get_evaluation(c, SITE, "ev1"))
    assert stored is not None and stored.recommendation == "approve_with_conditions"
    with pytest.raises(sqlite3.IntegrityError):  # blank reason refused by the schema itself
        db.write_sync(lambda c: evals.add_override(c, SITE, ev, "approve", "   ", "agent1"))
