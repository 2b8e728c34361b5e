"""The keyring layer: tokens and keys live only in the OS keyring.

It tells which store is in use and whether it is secure, so Settings can warn (Vorta-style).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors
from jaraco.classes import properties

from leaselab_desktop.platforms import secure_store_name

SERVICE = "LeaseLabDesktop"
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
# What each OS's keyring backend is called where users see it (Settings).
_STORE_NAMES = {
    "keyring.backends.Windows": "Windows Credential Locker",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.SecretService": "Secret Service",
    "keyring.backends.libsecret": "Secret Service (libsecret)",
    "keyring.backends.kwallet": "KDE Wallet",
}


@dataclass(frozen=True)
class KeyringInfo:
    name: str  # "Windows Credential Locker (keyring.backends.Windows.WinVaultKeyring)"
    secure: bool
    detail: str


def store_name(backend: keyring.backend.KeyringBackend) -> str | None:
    """The OS store a backend is (or derives from), e.g. "macOS Keychain"; None for others.
    keyring's chainer (several viable stores) writes to its first, highest-priority one."""
    chained = getattr(type(backend), "backends", None) if type(backend).__name__ == "ChainerBackend" else None
    if chained:
        return store_name(chained[0])
    for cls in type(backend).__mro__:
        if cls.__module__ in _STORE_NAMES:
            return _STORE_NAMES[cls.__module__]
    return None


class SecretStore:
    """Wraps one keyring backend (injectable for tests); ``platform`` (a ``sys.platform`` value,
    default this machine's) only chooses which OS store the warning tells the user to set up."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None, platform: str | None = None) -> None:
        self._backend = backend or keyring.get_keyring()
        self._platform = platform

    def info(self) -> KeyringInfo:
        b = self._backend
        name = f"{type(b).__module__}.{type(b).__name__}"
        friendly = store_name(b)
        if friendly:
            name = f"{friendly} ({name})"
        if isinstance(b, MemoryKeyring):  # only ever set explicitly (tests, headless runs)
            insecure = b.leaselab_insecure
        else:
            try:
                priority = float(b.priority)
            except Exception:
                priority = 0.0
            insecure = any(name.startswith(m) for m in _INSECURE_MODULES) or priority <= 0
        if insecure:
            detail = (
                "No secure keyring is available: tokens cannot be saved and documents are not "
                f"cached offline. Install or unlock your system keyring: {secure_store_name(self._platform)}."
            )
        else:
            detail = f"Secrets are kept in {friendly or type(b).__name__}."
        return KeyringInfo(name=name, secure=not insecure, detail=detail)

    @property
    def secure(self) -> bool:
        return self.info().secure

    def get(self, key: str) -> str | None:
        try:
            return self._backend.get_password(SERVICE, key)
        except keyring.errors.KeyringError:
            return None

    def set(self, key: str, value: str) -> None:
        if not self.secure:
            raise SecretStoreUnavailable(self.info().detail)
        try:
            self._backend.set_password(SERVICE, key, value)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreUnavailable(f"The keyring refused to store the secret: {exc}") from exc

    def delete(self, key: str) -> None:
        with contextlib.suppress(keyring.errors.KeyringError):
            self._backend.delete_password(SERVICE, key)

    @staticmethod
    def token_key(profile: str) -> str:
        return f"profile:{profile}:token"


class SecretStoreUnavailable(Exception):
    pass


class MemoryKeyring(keyring.backend.KeyringBackend):
    """In-process keyring for tests and headless runs; ``secure`` says whether to pretend it is secure.

    Its priority raises, so keyring never picks it by itself: on a machine without an OS keyring the
    default stays keyring's "fail" backend and Settings warns, instead of silently losing tokens.
    """

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("MemoryKeyring is only used when set explicitly")

    def __init__(self, secure: bool = True) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's KeyringBackend is untyped
        self._data: dict[tuple[str, str], str] = {}
        self.leaselab_insecure = not secure

    def get_password(self, service: str, username: str) -> str | None:
        return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._data.pop((service, username), None)
