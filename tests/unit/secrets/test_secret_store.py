"""The keyring layer says which store is in use and refuses to pretend an insecure one is safe."""

from __future__ import annotations

import subprocess
import sys

import keyring.backends.fail
import pytest

from leaselab_desktop.secrets import MemoryKeyring, SecretStore, SecretStoreUnavailable


def test_memory_keyring_is_never_chosen_by_keyring_itself() -> None:
    code = (
        "import keyring, leaselab_desktop.secrets as s\n"
        "print(type(keyring.get_keyring()).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}).stdout
    assert "MemoryKeyring" not in out


def test_fail_backend_is_reported_insecure_and_refuses_tokens() -> None:
    store = SecretStore(keyring.backends.fail.Keyring())
    info = store.info()
    assert not info.secure and "No secure keyring" in info.detail
    with pytest.raises(SecretStoreUnavailable):
        store.set(SecretStore.token_key("cloud"), "t0ken")
    assert store.get("anything") is None


def test_secure_store_round_trip_and_insecure_memory_ring() -> None:
    store = SecretStore(MemoryKeyring(secure=True))
    store.set("k", "v")
    assert store.get("k") == "v" and store.info().secure
    store.delete("k")
    assert store.get("k") is None
    assert not SecretStore(MemoryKeyring(secure=False)).info().secure
