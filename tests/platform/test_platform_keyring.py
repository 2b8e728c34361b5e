"""The keyring Settings names per OS, and the warning when the store is not secure."""

from __future__ import annotations

import sys

import keyring.backend
import keyring.backends.fail
import keyring.backends.macOS
import keyring.backends.SecretService
import keyring.backends.Windows
import pytest
from jaraco.classes import properties

from leaselab_desktop.secrets import MemoryKeyring, SecretStore, store_name


def viable(cls: type[keyring.backend.KeyringBackend]) -> keyring.backend.KeyringBackend:
    """The real backend class, made to report itself usable on this machine (its priority probes
    the OS: 'Requires Windows', 'macOS required', D-Bus)."""

    class Injected(cls):  # type: ignore[misc, valid-type]
        @properties.classproperty
        def priority(cls) -> float:
            return 5.0

        # The OS calls themselves (win32cred, Security.framework, D-Bus) are not here: a dict.
        def get_password(self, service: str, username: str) -> str | None:
            return self.__dict__.setdefault("_data", {}).get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.__dict__.setdefault("_data", {})[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.__dict__.setdefault("_data", {}).pop((service, username), None)

    return Injected()


OS_STORES = [
    ("win32", keyring.backends.Windows.WinVaultKeyring, "Windows Credential Locker"),
    ("darwin", keyring.backends.macOS.Keyring, "macOS Keychain"),
    ("linux", keyring.backends.SecretService.Keyring, "Secret Service"),
]


@pytest.mark.parametrize(("platform", "cls", "label"), OS_STORES)
def test_each_os_store_is_named_and_secure(platform: str, cls: type, label: str) -> None:
    info = SecretStore(viable(cls), platform=platform).info()
    assert info.secure
    assert info.name.startswith(f"{label} (") and info.name.endswith(")")
    assert info.detail == f"Secrets are kept in {label}."


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("win32", "Windows Credential Locker"), ("darwin", "macOS Keychain"), ("linux", "Secret Service")],
)
def test_no_secure_store_warns_and_names_what_this_os_needs(platform: str, expected: str) -> None:
    store = SecretStore(keyring.backends.fail.Keyring(), platform=platform)
    info = store.info()
    assert not info.secure
    assert "No secure keyring" in info.detail and expected in info.detail
    with pytest.raises(Exception, match="No secure keyring"):
        store.set("profile:x:token", "secret")


def test_an_os_store_that_is_not_usable_here_is_not_called_secure() -> None:
    # The real class without injection: its priority raises off its OS (or without D-Bus).
    backend = {"win32": keyring.backends.macOS.Keyring}.get(sys.platform, keyring.backends.Windows.WinVaultKeyring)()
    assert not SecretStore(backend).info().secure


def test_memory_keyring_keeps_its_test_name() -> None:
    assert store_name(MemoryKeyring()) is None
    assert SecretStore(MemoryKeyring()).info().name.endswith("MemoryKeyring")


def test_real_keyring_of_this_os() -> None:
    """No injection: what keyring picks on this machine, as the app's default store would."""
    from keyring.backends.chainer import ChainerBackend

    # the tests' own file keyring (tests/faults/file_keyring.py) is a KeyringBackend subclass once
    # imported: left out, and with it the chainer it would otherwise make win
    real = [k for k in keyring.backend.get_all_keyring() if not isinstance(k, ChainerBackend)
            and type(k).__module__.split(".")[0] not in ("tests", "file_keyring")]
    chosen = max(real, key=keyring.backend.by_priority)
    info = SecretStore(chosen).info()
    if sys.platform == "win32":
        assert info.secure and info.name.startswith("Windows Credential Locker")
    elif sys.platform == "darwin":
        assert info.secure and info.name.startswith("macOS Keychain")
    elif info.secure:  # a desktop session with GNOME Keyring / KDE Wallet
        assert info.name.startswith(("Secret Service", "KDE Wallet"))
    else:  # headless Linux (CI): no D-Bus secret service, so Settings warns
        assert "Secret Service" in info.detail


@pytest.mark.parametrize(("platform", "cls", "label"), OS_STORES)
def test_settings_names_the_os_store(qtbot, platform: str, cls: type, label: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from leaselab_desktop.config import Paths, Settings
    from leaselab_desktop.gui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(Paths(tmp_path / "data"), Settings(), SecretStore(viable(cls), platform=platform))
    qtbot.addWidget(dlg.dialog)
    dlg.open()
    assert dlg.keyring_name.text() == label  # the agent reads the store's name; the module path is in the tooltip
    assert dlg.keyring_name.toolTip().startswith(f"{label} (")
    assert dlg.keyring_warning.property("severity") == "ok" and not dlg.keyring_warning.text().startswith("⚠")
    dlg.dialog.reject()


def test_settings_warns_with_this_os_store_when_none_is_secure(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from leaselab_desktop.config import Paths, Settings
    from leaselab_desktop.gui.settings_dialog import SettingsDialog

    store = SecretStore(keyring.backends.fail.Keyring(), platform="darwin")
    dlg = SettingsDialog(Paths(tmp_path / "data"), Settings(), store)
    qtbot.addWidget(dlg.dialog)
    dlg.open()
    assert dlg.keyring_warning.text().startswith("⚠") and "macOS Keychain" in dlg.keyring_warning.text()
    assert dlg.keyring_warning.property("severity") == "warning"
    dlg.dialog.reject()
