"""The local data's encryption at rest: which key, and what happens without a secure keyring.

Documents and their stored analyses (which hold the documents' extracted text) are sealed with a
key kept in the OS keyring (``leaselab_desktop.sealing``, the mechanism the Cloudflare cache uses).
The data folder holds only the key's id (``encryption-key-id``), never the key.

Without a secure keyring nothing is stored unencrypted until the user has said so: the CLI's
``--allow-unencrypted`` or the console's question records that answer in the data folder
(``UNENCRYPTED-ACCEPTED``); until then opening the data is refused with ``NoSecureKeyring``.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from leaselab_desktop.sealing import MAGIC, Sealer, load_key
from leaselab_desktop.secrets import SecretStore
from leaselab_desktop.store.migrate import StoreError

log = logging.getLogger(__name__)

KEY_ID_FILE = "encryption-key-id"
ACCEPTED_FILE = "UNENCRYPTED-ACCEPTED"


class NoSecureKeyring(StoreError):
    """No secure keyring, and the user has not accepted storing documents unencrypted."""


class EncryptionKeyMissing(StoreError):
    """The data is encrypted and its key is not in this computer's keyring."""


def _key_name(key_id: str) -> str:
    return f"local:{key_id}:document-key"


def _sealed_present(*folders: Path) -> bool:
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith(".tmp-"):
                with path.open("rb") as fh:
                    if fh.read(len(MAGIC)) == MAGIC:
                        return True
    return False


def accept_unencrypted(data_dir: Path, how: str) -> None:
    """Record that the user chose to keep documents unencrypted in ``data_dir`` (no keyring)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / ACCEPTED_FILE).write_text(
        f"Accepted {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC ({how}): when no secure keyring keeps the "
        "encryption key, applicants' documents in this folder are stored unencrypted. Delete this file "
        "to be asked again; with a secure keyring LeaseLab encrypts them at the next start.\n",
        encoding="utf-8")


def open_sealer(data_dir: Path, files_dir: Path, analyses_dir: Path, secrets: SecretStore, *,
                allow_unencrypted: bool = False) -> Sealer | None:
    """The sealer for this data folder; None only when the user accepted unencrypted storage."""
    info = secrets.info()
    accepted = (data_dir / ACCEPTED_FILE).exists()
    if not info.secure:
        if not (allow_unencrypted or accepted):
            raise NoSecureKeyring(
                "No secure keyring is available on this computer, so applicants' documents cannot be "
                "stored encrypted. Set up or unlock the system keyring and start again, or accept "
                "storing them unencrypted in this data folder: run the command again with "
                "--allow-unencrypted (the console asks)."
            )
        if _sealed_present(files_dir, analyses_dir):
            raise EncryptionKeyMissing(
                "The documents in this data folder are encrypted, and no secure keyring is available "
                "to read their key. Unlock or set up the system keyring that holds it, then start again."
            )
        if not accepted:
            accept_unencrypted(data_dir, "--allow-unencrypted")
        log.warning("no secure keyring: documents in %s are stored unencrypted (accepted)", data_dir)
        return None
    id_file = data_dir / KEY_ID_FILE
    key_id = id_file.read_text(encoding="ascii").strip() if id_file.is_file() else ""
    if key_id:
        state = load_key(secrets, _key_name(key_id), create=False)
        if state.aead is not None:
            return Sealer(state.aead)
        if _sealed_present(files_dir, analyses_dir):
            raise EncryptionKeyMissing(
                f"The documents in {data_dir} are encrypted with a key that is not in this computer's "
                "keyring (a data folder copied from another computer, or a keyring that was reset). "
                "Nothing was changed. Restore the keyring entry, or open this folder on the computer "
                "it came from."
            )
    key_id = uuid.uuid4().hex
    state = load_key(secrets, _key_name(key_id), create=True)
    if state.aead is None:
        if (allow_unencrypted or accepted) and not _sealed_present(files_dir, analyses_dir):
            # a keyring that says it is secure but refuses to keep the key (a locked keychain in
            # CI): the answer already given for "no secure keyring" applies
            log.warning("the keyring did not keep the key (%s): documents in %s are stored unencrypted "
                        "(accepted)", state.reason, data_dir)
            if not accepted:
                accept_unencrypted(data_dir, "--allow-unencrypted")
            return None
        raise NoSecureKeyring(f"The keyring did not keep the encryption key: {state.reason}")
    tmp = id_file.with_name(id_file.name + ".tmp")
    tmp.write_text(key_id + "\n", encoding="ascii")
    os.replace(tmp, id_file)
    return Sealer(state.aead)
