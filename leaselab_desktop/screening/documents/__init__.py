"""Documents: the local file store and per-file analysis (sniffing, PDF/image extraction, parsing).

Public API::

    FileStore(root).put(lead_id, name, data) -> StoredFile(key, sha256, md5, size)
    analyse_file(file_id, file_name, declared_type, bytes_or_path) -> DocumentFacts
"""

from leaselab_desktop.screening.documents.analyse import (
    analyse_file,
    clear_cache,
    parse_content,
    warm_up,
)
from leaselab_desktop.screening.documents.filestore import (
    FileStore,
    FileTooLarge,
    InvalidKey,
    StoredFile,
    safe_name,
)
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS, Limits
from leaselab_desktop.screening.documents.sniff import MIME_TYPES, sniff

__all__ = [
    "DEFAULT_LIMITS",
    "MIME_TYPES",
    "FileStore",
    "FileTooLarge",
    "InvalidKey",
    "Limits",
    "StoredFile",
    "analyse_file",
    "clear_cache",
    "parse_content",
    "safe_name",
    "sniff",
    "warm_up",
]
