"""Intake on the local backend: new leads and their documents, into the store and the file store."""

from __future__ import annotations

import asyncio
import mimetypes
import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from leaselab_desktop.application import lifecycle
from leaselab_desktop.backends import errors
from leaselab_desktop.domain.models import LeadFile, NewLead
from leaselab_desktop.screening.documents.filestore import FileStore, FileTooLarge
from leaselab_desktop.store import Database, lead_status
from leaselab_desktop.store import files as files_repo
from leaselab_desktop.store import leads as leads_repo


class LocalIntake:
    def __init__(self, db: Database, files: FileStore, site_id: str, user_id: str,
                 analyse: Callable[[list[tuple[LeadFile, Path]]], None], clock: Callable[[], datetime]) -> None:
        self.db, self.files, self.site_id, self.user_id = db, files, site_id, user_id
        self._analyse = analyse  # documents are analysed in the background as they arrive
        self._clock = clock

    async def create_lead(self, new: NewLead) -> str:
        def tx(c: sqlite3.Connection) -> str:
            props = {p.id for p in leads_repo.list_properties(c, self.site_id)}
            if new.property_id not in props:
                raise errors.InvalidRequest(f"Property {new.property_id} is not in this site.")
            units = {u.id for u in leads_repo.list_units(c, self.site_id, new.property_id)}
            if new.unit_id and new.unit_id not in units:
                raise errors.InvalidRequest(f"Unit {new.unit_id} is not in property {new.property_id}.")
            return leads_repo.insert_lead(c, self.site_id, new)

        return await self.db.write(tx)

    async def attach_file(self, lead_id: str, path: Path, file_type: str) -> LeadFile:
        size = await asyncio.to_thread(lambda: path.stat().st_size)
        if size > self.files.limits.max_bytes:
            raise errors.InvalidRequest(str(FileTooLarge(size, self.files.limits.max_bytes)))
        data = await asyncio.to_thread(path.read_bytes)
        return await self.attach_bytes(lead_id, path.name, data, file_type)

    async def attach_bytes(self, lead_id: str, name: str, data: bytes, file_type: str) -> LeadFile:
        try:
            stored = await asyncio.to_thread(self.files.put, lead_id, name, data)
        except FileTooLarge as exc:
            raise errors.InvalidRequest(str(exc)) from exc
        f = LeadFile(id=f"file_{uuid.uuid4().hex[:12]}", lead_id=lead_id, file_type=file_type, file_name=name,
                     file_size=stored.size, mime_type=mimetypes.guess_type(name)[0], r2_key=stored.key,
                     sha256=stored.sha256, md5=stored.md5, uploaded_at=self._clock())

        def tx(c: sqlite3.Connection) -> None:
            files_repo.insert_file(c, self.site_id, f)
            if not lifecycle.apply(c, self.site_id, lead_id, "documents_added"):
                lead_status.touch(c, self.site_id, lead_id)
            leads_repo.add_history(c, self.site_id, lead_id, "document_attached",
                                   {"file_id": f.id, "name": name, "sha256": stored.sha256}, self.user_id)

        await self.db.write(tx)
        self._analyse([(f, self.files.path(stored.key))])
        return f
