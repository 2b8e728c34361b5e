"""Encryption at rest with a key kept in the OS keyring: one mechanism for every store that holds
applicants' documents or text (the Cloudflare offline cache, the local file store, the stored
document analyses).

AES-256-GCM. A key is created on first use and kept only in the keyring (never in the data
folder). A sealed blob is ``MAGIC + nonce + ciphertext``; the caller's ``context`` (where the blob
belongs) is authenticated with it, so a blob copied to another place does not open there.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:  # the file store seals without depending on the keyring layer
    from leaselab_desktop.secrets import SecretStore

MAGIC = b"LLSEAL1\0"
_NONCE = 12


class SealError(Exception):
    """A sealed blob could not be opened (another key, or altered)."""


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


@dataclass(frozen=True)
class KeyState:
    aead: AESGCM | None
    reason: str  # why there is no key (empty when there is one)
    created: bool  # the key was made just now: anything sealed under an older key is unreadable


def load_key(secrets: SecretStore, name: str, *, create: bool = True) -> KeyState:
    """The key ``name`` from the keyring, created when absent (if ``create``); no key without a
    secure keyring (``reason`` then says why)."""
    info = secrets.info()
    if not info.secure:
        return KeyState(None, info.detail, False)
    stored = secrets.get(name)
    if stored is not None:
        return KeyState(AESGCM(base64.b64decode(stored)), "", False)
    if not create:
        return KeyState(None, f"the key {name!r} is not in this computer's keyring", False)
    from leaselab_desktop.secrets import SecretStoreUnavailable

    key = AESGCM.generate_key(bit_length=256)
    try:
        secrets.set(name, base64.b64encode(key).decode("ascii"))
    except SecretStoreUnavailable as exc:
        return KeyState(None, str(exc), False)
    return KeyState(AESGCM(key), "", True)


class Sealer:
    """Seals and opens blobs with one key."""

    def __init__(self, aead: AESGCM) -> None:
        self.aead = aead

    def seal(self, data: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return MAGIC + nonce + self.aead.encrypt(nonce, data, context.encode("utf-8"))

    def open(self, blob: bytes, context: str) -> bytes:
        if not is_sealed(blob):
            raise SealError("not a sealed blob")
        body = blob[len(MAGIC):]
        try:
            return self.aead.decrypt(body[:_NONCE], body[_NONCE:], context.encode("utf-8"))
        except InvalidTag as exc:
            raise SealError("sealed under another key, or altered") from exc
