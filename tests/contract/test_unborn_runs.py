"""A run admitted but whose engine instance was never created (a kill in between): every backend
answers for it in words and typed errors, never with the engine's own "instance not found"."""

from __future__ import annotations

import pytest

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import InvalidRequest


async def test_a_run_that_never_started_is_answered_in_words(unborn: tuple[Backend, str]) -> None:
    backend, run_id = unborn
    first = await backend.get_run(run_id)  # a snapshot, not an exception
    assert first.run_id == run_id and first.status in ("queued", "errored")
    with pytest.raises(InvalidRequest, match="never started"):
        await backend.terminate_run(run_id)
    after = await backend.get_run(run_id)
    assert after.status == "errored" and after.finished
    assert after.error is not None and "nothing was evaluated" in after.error.message
