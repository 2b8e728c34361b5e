"""The domain's Timestamp takes one form (an aware datetime, ISO-8601 with a zone); the other forms
servers and SQLite write are read at the edges: the store's row mappers and the wire mappers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from leaselab_desktop.backends.cloudflare.wire import lead_from
from leaselab_desktop.backends.cloudflare.workflow_wire import workflow_snapshot
from leaselab_desktop.domain.models import Lead
from leaselab_desktop.domain.timefmt import edge_times, timestamp_fields
from leaselab_desktop.store.leads import lead_from_row

WHEN = datetime(2026, 11, 25, 19, 55, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["2026-11-25T19:55:40Z", "2026-11-25T19:55:40.000Z", "2026-11-25T14:55:40-05:00", WHEN])
def test_the_domain_takes_the_canonical_form(value: object) -> None:
    assert Lead(id="l", created_at=value).created_at == WHEN  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["2026-11-25 19:55:40", "2026-11-25", 1764100540, "1764100540",
                                   datetime(2026, 11, 25, 19, 55, 40), "yesterday"])
def test_the_domain_refuses_wire_forms(value: object) -> None:
    with pytest.raises(ValidationError, match="canonical timestamp"):
        Lead(id="l", created_at=value)  # type: ignore[arg-type]


def test_the_store_reads_sqlite_text() -> None:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT 'l1' AS id, '2026-11-25 19:55:40' AS created_at, '2023-03-01' AS employment_start_date, "
                       "1 AS is_active, 0 AS is_unit_occupied").fetchone()
    lead = lead_from_row(row)
    assert lead.created_at == WHEN
    assert lead.employment_start_date == datetime(2023, 3, 1, tzinfo=UTC)


def test_the_wire_reads_server_forms() -> None:
    assert lead_from({"id": "l1", "createdAt": "2026-11-25 19:55:40"}).created_at == WHEN
    step = {"name": "fetch-lead", "startedAt": "2026-11-25 19:55:40"}
    snap = workflow_snapshot({"instance_id": "r1", "lead_id": "l1", "status": "running",
                              "queued_at": int(WHEN.timestamp() * 1000), "steps": [step]})
    assert snap.queued_at == WHEN and snap.steps[0].started_at == WHEN


def test_edge_times_knows_every_timestamp_field_and_leaves_garbage_to_the_model() -> None:
    assert timestamp_fields(Lead) == {"created_at", "updated_at", "employment_start_date", "move_in_date"}
    assert edge_times(Lead, {"created_at": "not a time", "id": "x"}) == {"created_at": "not a time", "id": "x"}
