"""Fixtures shared by the unit tests of more than one package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leaselab_desktop.screening.documents import analyse
from leaselab_desktop.screening.documents.analyse import clear_cache


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every real document analysis (PDF parsing etc.) appends the file name here; the in-memory
    analysis cache is emptied before and after."""
    clear_cache()
    calls: list[str] = []
    real = analyse._analyse

    def spy(file_id, file_name, *rest):  # type: ignore[no-untyped-def]
        calls.append(file_name)
        return real(file_id, file_name, *rest)

    monkeypatch.setattr(analyse, "_analyse", spy)
    yield calls
    clear_cache()
