"""Settings dialog: profiles, provider, polling, data dir, keyring; tokens only in the keyring."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leaselab_desktop.config import Paths, Profile, Settings, load_settings, save_settings
from leaselab_desktop.gui.choices import pick
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import Qt, QtWidgets
from leaselab_desktop.gui.settings_dialog import PROVIDER_TOKEN_KEY, SettingsDialog
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import MemoryKeyring, SecretStore
from tests.gui.fakes import FakeBackend


@pytest.fixture
def secrets(memory_keyring: MemoryKeyring) -> SecretStore:
    return SecretStore(memory_keyring)


def two_profiles() -> Settings:
    return Settings(
        profiles=[Profile(name="local"),
                  Profile(name="office", backend="cloudflare", base_url="https://ll.example.workers.dev",
                          site_id="site_office", user_id="maria@office.example")],
        active_profile="local",
    )


def make(qtbot: Any, paths: Paths, settings: Settings, secrets: SecretStore) -> SettingsDialog:
    dlg = SettingsDialog(paths, settings, secrets)
    qtbot.addWidget(dlg.dialog)
    dlg.open()
    return dlg


def test_opens_non_blocking_and_shows_current_values(qtbot, paths: Paths, secrets: SecretStore) -> None:
    dlg = make(qtbot, paths, two_profiles(), secrets)
    assert dlg.dialog.isVisible()  # open() returned: no nested event loop
    assert dlg.dialog.objectName() == "settingsDialog"
    assert dlg.profile_list.count() == 2
    assert dlg.active_profile.currentText() == "local"
    dlg.profile_list.setCurrentRow(1)
    assert dlg.profile_name.text() == "office"
    assert dlg.backend_kind.currentData() == "cloudflare"
    assert dlg.base_url.text() == "https://ll.example.workers.dev" and dlg.base_url.isEnabled()
    assert dlg.site_id.text() == "site_office"
    assert dlg.token_state.text() == "No token stored for this profile."
    assert dlg.data_dir.text() == str(paths.data_dir) and dlg.data_dir.isReadOnly()
    assert dlg.poll_min.value() == pytest.approx(0.5) and dlg.poll_max.value() == pytest.approx(15.0)
    assert dlg.provider_kind.currentData() == "rules"
    assert not dlg.account_id.isEnabled() and not dlg.provider_model.isEnabled()
    for w in dlg.dialog.findChildren(QtWidgets.QLineEdit):
        if w.objectName() not in ("qt_spinbox_lineedit",):
            assert w.accessibleName(), w.objectName()
    dlg.dialog.reject()


def test_token_goes_to_keyring_never_to_settings_json(
    qtbot, paths: Paths, secrets: SecretStore, memory_keyring: MemoryKeyring
) -> None:
    dlg = make(qtbot, paths, two_profiles(), secrets)
    dlg.profile_list.setCurrentRow(1)
    dlg.token.setText("tok_super_secret_123")
    dlg.token.textEdited.emit("tok_super_secret_123")
    pick(dlg.provider_kind, "workers-ai")
    dlg.account_id.setText("acc_42")
    dlg.provider_token.setText("cf_ai_secret_456")
    assert dlg.provider_vision.currentData() == "auto"
    pick(dlg.provider_vision, "off")  # never send page images, whatever the model
    with qtbot.waitSignal(dlg.saved) as blocker:
        dlg.save_button.click()
    saved, changed = blocker.args
    assert changed  # the provider changed
    text = paths.settings_file.read_text(encoding="utf-8")
    assert "tok_super_secret_123" not in text and "cf_ai_secret_456" not in text
    data = json.loads(text)
    assert data["provider"] == {"kind": "workers-ai", "account_id": "acc_42", "base_url": None, "model": None,
                                "vision": "off"}
    assert secrets.get(SecretStore.token_key("office")) == "tok_super_secret_123"
    assert secrets.get(PROVIDER_TOKEN_KEY) == "cf_ai_secret_456"
    assert load_settings(paths) == saved
    assert not dlg.dialog.isVisible()


def test_insecure_keyring_warns_and_refuses_tokens(qtbot, paths: Paths) -> None:
    insecure = SecretStore(MemoryKeyring(secure=False))
    dlg = make(qtbot, paths, two_profiles(), insecure)
    assert dlg.keyring_warning.text().startswith("⚠")
    assert "No secure keyring" in dlg.keyring_warning.text()
    assert dlg.keyring_warning.property("severity") == "warning"
    assert not dlg.token.isEnabled()
    assert "cannot be saved" in dlg.token.placeholderText()
    dlg.token.setText("typed anyway")  # e.g. pasted before the field was disabled
    dlg.token.textEdited.emit("typed anyway")
    assert not dlg.save()
    assert "Tokens cannot be saved" in dlg.validation.text()
    assert not paths.settings_file.exists()


def test_secure_keyring_is_named_without_warning(qtbot, paths: Paths, secrets: SecretStore) -> None:
    dlg = make(qtbot, paths, Settings(), secrets)
    assert dlg.keyring_name.toolTip().endswith("MemoryKeyring")  # the module path only in the tooltip
    assert dlg.keyring_name.text() == "Another secure store"
    assert not dlg.keyring_warning.text().startswith("⚠")
    assert dlg.token.isEnabled()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: (d.profile_list.setCurrentRow(1), d.base_url.setText("not a url")), "needs an http(s) base URL"),
        (lambda d: (d.profile_list.setCurrentRow(1), d.profile_name.setText("local")), "Two profiles are named"),
        (lambda d: d.site_id.setText(""), "site id is empty"),
        (lambda d: d.profile_name.setText(""), "needs a name"),
        (lambda d: (pick(d.provider_kind, "openai-compatible"),
                    d.provider_base_url.setText("http://127.0.0.1:11434/v1")), "needs a model name"),
        (lambda d: pick(d.provider_kind, "workers-ai"), "needs the Cloudflare account id"),
        (lambda d: (d.poll_min.setValue(30.0), d.poll_max.setValue(5.0)), "must not exceed"),
    ],
)
def test_invalid_input_is_explained_and_nothing_is_written(
    qtbot, paths: Paths, secrets: SecretStore, edit: Any, message: str
) -> None:
    dlg = make(qtbot, paths, two_profiles(), secrets)
    edit(dlg)
    for line in (dlg.profile_name, dlg.base_url, dlg.site_id):
        line.textEdited.emit(line.text())
    assert not dlg.save()
    assert message in dlg.validation.text()
    assert dlg.dialog.isVisible()
    assert not paths.settings_file.exists()


def test_rename_carries_the_stored_token_and_remove_deletes_it(
    qtbot, paths: Paths, secrets: SecretStore
) -> None:
    secrets.set(SecretStore.token_key("office"), "tok_office")
    dlg = make(qtbot, paths, two_profiles(), secrets)
    dlg.profile_list.setCurrentRow(1)
    assert dlg.token_state.text() == "A token is stored in the keyring."
    dlg.profile_name.setText("head-office")
    dlg.profile_name.textEdited.emit("head-office")
    assert dlg.profile_list.item(1).text().startswith("head-office")
    assert dlg.save()
    assert secrets.get(SecretStore.token_key("head-office")) == "tok_office"
    assert secrets.get(SecretStore.token_key("office")) is None

    dlg2 = make(qtbot, paths, load_settings(paths), secrets)
    dlg2.profile_list.setCurrentRow(1)
    dlg2.remove_button.click()
    assert dlg2.profile_list.count() == 1
    assert not dlg2.remove_button.isEnabled()  # the last profile cannot be removed
    assert dlg2.save()
    assert secrets.get(SecretStore.token_key("head-office")) is None
    assert [p.name for p in load_settings(paths).profiles] == ["local"]


def test_add_profile_gets_a_unique_name(qtbot, paths: Paths, secrets: SecretStore) -> None:
    dlg = make(qtbot, paths, Settings(), secrets)
    dlg.add_button.click()
    dlg.add_button.click()
    names = [dlg.profile_list.item(i).text().split()[0] for i in range(dlg.profile_list.count())]
    assert names == ["local", "profile1", "profile2"]
    assert dlg.active_profile.count() == 3


async def test_switching_the_active_profile_reopens_the_backend(
    paths: Paths, secrets: SecretStore, until: Any
) -> None:
    settings = Settings(profiles=[Profile(name="local"), Profile(name="second", site_id="site_b")])
    save_settings(paths, settings)
    opened: list[str] = []
    backends: list[FakeBackend] = []

    async def opener(p: Paths, s: Settings, profile: str, sec: SecretStore) -> FakeBackend:
        opened.append(profile)
        backends.append(FakeBackend())
        return backends[-1]

    tasks = TaskRunner()
    window = MainWindow(paths, settings, secrets, tasks, ErrorReporter(), opener=opener, use_tray=False)
    window.show()
    await window.open_backend()
    assert opened == ["local"]
    window.settings_action.trigger()
    dlg = window._settings_dialog
    assert dlg is not None and dlg.dialog.isVisible()
    assert dlg.dialog.windowModality() == Qt.WindowModality.WindowModal
    dlg.active_profile.setCurrentText("second")
    dlg.save_button.click()
    await until(lambda: opened == ["local", "second"] and window.backend is backends[1])
    assert backends[0].closed
    assert window.profile_name == "second"
    assert load_settings(paths).active_profile == "second"
    await until(lambda: "second" in window.status.backend_status.text())
    # saving again without a change does not reopen
    window.settings_action.trigger()
    window._settings_dialog.save_button.click()
    assert opened == ["local", "second"]
    await window.shutdown()


def test_a_site_can_override_the_province_policy_profile(qtbot, paths: Paths, secrets: SecretStore) -> None:
    """Issue 13 item 1: the property's province decides the profile unless the site is set otherwise."""
    dlg = make(qtbot, paths, two_profiles(), secrets)
    dlg.profile_list.setCurrentRow(1)  # office, site_office: the server decides for a Cloudflare site
    assert not dlg.site_policy.isEnabled()
    pick(dlg.backend_kind, "local")
    assert dlg.site_policy.isEnabled()
    assert dlg.site_policy.currentText() == "Follow the property's province or state"
    assert [dlg.site_policy.itemText(i) for i in range(dlg.site_policy.count())][1:] == [
        "Default profile", "Ontario profile"]
    dlg.site_policy.setCurrentIndex(dlg.site_policy.findData("default"))
    dlg.site_policy.activated.emit(dlg.site_policy.currentIndex())
    dlg.profile_list.setCurrentRow(0)  # another site keeps following its properties
    assert dlg.site_policy.currentText() == "Follow the property's province or state"
    with qtbot.waitSignal(dlg.saved) as saved:
        assert dlg.save()
    settings, changed = saved.args
    assert settings.site_policy_profiles == {"site_office": "default"} and changed
    assert load_settings(paths).site_policy_profiles == {"site_office": "default"}
    dlg.dialog.reject()


def test_choices_read_as_words_and_store_ids(qtbot, paths: Paths, secrets: SecretStore) -> None:
    """The agent reads 'Cloudflare Workers AI', never 'workers-ai'; the settings keep the id."""
    dlg = make(qtbot, paths, two_profiles(), secrets)
    ids = {"local", "cloudflare", "rules", "workers-ai", "openai-compatible", "auto", "on", "off"}
    for combo in (dlg.backend_kind, dlg.provider_kind, dlg.provider_vision):
        texts = [combo.itemText(i) for i in range(combo.count())]
        assert not set(texts) & ids and all(t[0].isupper() for t in texts), texts
        assert {combo.itemData(i) for i in range(combo.count())} <= ids
    assert not any(f"({kind})" in dlg.profile_list.item(i).text()
                   for i in range(dlg.profile_list.count()) for kind in ("local", "cloudflare"))
    pick(dlg.provider_kind, "workers-ai")
    assert dlg.provider_kind.currentText() == "Cloudflare Workers AI"
    dlg.dialog.reject()
