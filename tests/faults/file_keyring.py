"""A keyring backend kept in a JSON file, for tests that run the app in real subprocesses.

An in-memory keyring dies with its process; a subprocess (the CLI under test, the kill-anywhere
soak) needs the same key on every start. Selected with ``PYTHON_KEYRING_BACKEND=
file_keyring.FileKeyring`` and ``LEASELAB_TEST_KEYRING=/path/keys.json``; it reports itself as a
secure keyring (tests only: the file is plaintext). ``subprocess_env`` builds that environment.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from keyring.backend import KeyringBackend

HERE = Path(__file__).resolve().parent


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["LEASELAB_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path().read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        tmp = self._path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self._path())

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\0{username}", None)
        self._path().write_text(json.dumps(data), encoding="utf-8")


def subprocess_env(keys: Path, **extra: str) -> dict[str, str]:
    """os.environ plus what a subprocess needs to find this keyring (keys kept in ``keys``)."""
    path = os.pathsep.join([str(HERE), *[p for p in sys.path if p]])
    return {**os.environ, "PYTHONPATH": path, "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
            "LEASELAB_TEST_KEYRING": str(keys), **extra}


def use_in_this_process(keys: Path) -> None:
    """Make this process use the file keyring too (the test's monkeypatch/keyring fixture undoes it)."""
    import keyring

    os.environ["LEASELAB_TEST_KEYRING"] = str(keys)
    keyring.set_keyring(FileKeyring())
