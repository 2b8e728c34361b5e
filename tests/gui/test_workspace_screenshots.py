"""render_workspace_states on the real LocalBackend writes one real PNG per state."""

from __future__ import annotations

import pytest

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.gui.qt import QtGui
from leaselab_desktop.gui.workspace.screenshots import render_workspace_states
from tests.gui.fakes import collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture

EXPECTED = [
    "ws-01-lead-detail.png", "ws-02-document-preview.png", "ws-03-running-timeline.png",
    "ws-04-retrying-step.png", "ws-05-errored-run.png", "ws-06-duplicate-banner.png",
    "ws-07-quota-exceeded.png", "ws-08-result-card.png", "ws-09-result-factors.png",
    "ws-20-error-banner.png", "ws-21-previous-result.png",
    "ws-10-override-dialog.png", "ws-10b-override-confirm.png", "ws-11-override-trail.png",
    "ws-12-new-lead-dialog.png",
    "ws-13-batch-progress.png", "ws-14-batch-finished.png",
]


@pytest.mark.slow
async def test_screenshots_of_every_workspace_state(paths, tasks, tmp_path) -> None:
    backend = await LocalBackend.open(paths)
    async with open_workspace(backend, tasks, size=(1200, 800)) as ws:
        shots = await render_workspace_states(ws, tmp_path / "shots")
        assert [p.name for p in shots] == EXPECTED
        for p in shots:
            img = QtGui.QImage(str(p))
            assert not img.isNull() and img.width() >= 300, p.name
        main = QtGui.QImage(str(shots[7]))
        assert (main.width(), main.height()) == (1200, 800)
        assert ws.card.evaluation is not None and ws.card.overrides  # real run and override happened
