"""A deployed worker whose file listing answers 500: the lead opens with its details, history and
evaluation, and only the Documents box shows the error (loopback job-flavour server)."""

from __future__ import annotations

from pathlib import Path

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.secrets import SecretStore
from tests.gui.fakes import collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture
from tests.unit.cloudflare.cf_ops_server import OpsState, serve


async def test_lead_opens_while_its_file_listing_fails(tasks, until, tmp_path: Path) -> None:
    state = OpsState(flavour="job", token=None)
    state.seed()
    state.files_500.add("lead_007")
    state.evaluations["lead_007"] = [{
        "id": "ev_old", "leadId": "lead_007", "score": 83, "label": "A", "summary": "Strong file",
        "riskFlags": [], "recommendation": "approve", "fraudSignals": [], "modelVersion": "m1",
        "evaluatedAt": "2026-11-26T10:00:00Z"}]
    with serve(state) as url:
        cache = OfflineCache(tmp_path / "c.sqlite3", profile="cf", secrets=SecretStore())
        backend = CloudflareBackend(url, site_id="site_demo", user_id="a@x", token=None, cache=cache,
                                    owns_cache=True, timeout_s=2.0, read_retries=0)
        async with open_workspace(backend, tasks) as ws:
            ws.show_lead("lead_007")
            await until(lambda: ws.detail.lead is not None, timeout=10)
            assert ws.detail.name.text() == "Ann7 Tester"
            history = ws.findChild(QtWidgets.QListWidget, "evaluationHistory")
            assert history.count() == 1
            assert ws.findChild(QtWidgets.QLabel, "scoreValue").text() == "83"
            status = ws.detail.documents.status.text()
            assert "could not be listed" in status and "HTTP 500" in status
            assert "offline" not in status.lower()
            assert ws.findChild(QtWidgets.QLabel, "workspaceMessage").text() == ""


async def test_capped_list_says_so_and_filters_on_the_server(qtbot, until, tmp_path: Path) -> None:
    from leaselab_desktop.gui.lead_list.view import LeadListPanel
    from leaselab_desktop.gui.tasks import TaskRunner

    state = OpsState(flavour="job", token=None)
    state.seed()  # 60 leads; the server sends 50
    for i in range(50, 60):
        state.leads[f"lead_{i:03d}"]["status"] = "documents_received"
    with serve(state) as url:
        cache = OfflineCache(tmp_path / "c.sqlite3", profile="cf", secrets=SecretStore())
        backend = CloudflareBackend(url, site_id="site_demo", user_id="a@x", token=None, cache=cache,
                                    owns_cache=True, timeout_s=2.0, read_retries=0)
        runner = TaskRunner()
        panel = LeadListPanel(runner)
        qtbot.addWidget(panel)
        try:
            panel.set_backend(backend)
            await panel.reload()
            assert panel.model.total == 50
            assert not panel.notice_label.isHidden() and "only the newest 50" in panel.notice_label.text()
            panel.status_filter.setCurrentIndex(panel.status_filter.findData("documents_received"))
            await until(lambda: not panel.loading and panel.model.total == 10, timeout=10)
            ids = sorted(panel.model.lead_id(r) for r in range(panel.model.rowCount()))
            assert ids == [f"lead_{i:03d}" for i in range(50, 60)]  # beyond the cap, found by the server
        finally:
            await runner.cancel_all()
            await backend.aclose()


async def test_delete_applicant_data_from_the_workspace(tasks, until, tmp_path: Path) -> None:
    """Local backend: the button asks for a reason, deletes the documents now, keeps the evaluation."""
    from leaselab_desktop.backends.local import LocalBackend
    from leaselab_desktop.config import Paths
    from leaselab_desktop.store.retention import deletions

    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_demo_01")
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        await until(lambda: ws.detail.lead is not None and tree.topLevelItemCount() > 0, timeout=10)
        assert ws.delete_data_button.isEnabled()
        dialog = ws.ask_delete_applicant_data()
        assert dialog is not None
        dialog.setTextValue("applicant withdrew")
        dialog.accept()
        msg = ws.findChild(QtWidgets.QLabel, "workspaceMessage")
        await until(lambda: "Applicant data deleted" in msg.text(), timeout=10)
        await until(lambda: tree.topLevelItemCount() == 0, timeout=10)
        assert ws.detail.name.text()  # the lead is still shown
        entries = await backend.db.read(lambda c: deletions(c, backend.site_id, "lead_demo_01"))
        assert entries[0]["reason"] == "applicant withdrew"
