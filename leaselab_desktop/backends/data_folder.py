"""What the console needs to know about the local data folder's own errors and choices, without
reaching into the store or the engine (the GUI goes through the backends layer).

``DATA_FOLDER_ERRORS``: a damaged, missing or foreign database, or data that cannot be decrypted;
their messages say what was found and what to do, so they are shown without a traceback.
"""

from __future__ import annotations

from leaselab_desktop.engine.errors import EngineDatabaseError
from leaselab_desktop.store.at_rest import EncryptionKeyMissing, NoSecureKeyring, accept_unencrypted
from leaselab_desktop.store.migrate import StoreError

DATA_FOLDER_ERRORS: tuple[type[Exception], ...] = (StoreError, EngineDatabaseError)

__all__ = ["DATA_FOLDER_ERRORS", "EncryptionKeyMissing", "NoSecureKeyring", "accept_unencrypted"]
