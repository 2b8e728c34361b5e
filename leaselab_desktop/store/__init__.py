"""SQLite store: the one schema (migrations/*.sql), a migration runner, repositories."""

from leaselab_desktop.store.database import Database
from leaselab_desktop.store.migrate import SchemaTooNew, StoreError

__all__ = ["Database", "SchemaTooNew", "StoreError"]
