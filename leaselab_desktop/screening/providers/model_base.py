"""What the two HTTP model providers share: rules first, then the model, then a conservative merge."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.facts import DocumentSet, Extraction
from leaselab_desktop.screening.policy import Policy
from leaselab_desktop.screening.providers.http import RetryPolicy, Sleep
from leaselab_desktop.screening.providers.merge import merge_facts, merge_signals
from leaselab_desktop.screening.providers.parse import parse_model_output
from leaselab_desktop.screening.providers.prompt import render_messages
from leaselab_desktop.screening.providers.rules import RulesProvider
from leaselab_desktop.screening.providers.vision import PageImage, model_takes_images
from leaselab_desktop.screening.verification import doubtful

log = logging.getLogger(__name__)


class ModelProvider:
    name = "model"
    service = "The model server"

    def __init__(
        self,
        *,
        model: str,
        client: httpx.AsyncClient | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rules: RulesProvider | None = None,
        vision: str | None = "auto",
    ) -> None:
        self.model = model
        self.takes_images = model_takes_images(model, vision)  # the host then renders page images
        self._client = client
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rules = rules or RulesProvider()

    async def _complete(
        self, client: httpx.AsyncClient, messages: list[dict[str, str]], images: list[PageImage]
    ) -> Any:
        """Send the messages (and page images, for a vision model); return the model's answer
        (text or an already-decoded object)."""
        raise NotImplementedError

    async def _run(self, messages: list[dict[str, str]], images: list[PageImage]) -> Any:
        if self._client is not None:
            return await self._complete(self._client, messages, images)
        async with httpx.AsyncClient() as client:
            return await self._complete(client, messages, images)

    async def extract(
        self, lead: Lead, docs: DocumentSet, policy: Policy | None = None, images: list[PageImage] | None = None
    ) -> Extraction:
        base = self._rules.extract_sync(lead, docs)
        shown = list(images or []) if self.takes_images else []
        answer = await self._run(render_messages(lead, docs, policy), shown)
        parsed = parse_model_output(answer)
        forged = bool(doubtful(docs.documents, docs.signals))
        facts, merge_notes = merge_facts(base.facts, parsed, forged)
        for note in [*parsed.notes, *merge_notes]:
            log.info("%s (lead %s): %s", self.name, lead.id, note)
        # The model's words are labelled as such and never replace the factual summary.
        summary = base.summary or ""
        if parsed.summary:
            summary = f"{summary}\nModel ({self.model}): {parsed.summary}".strip()
        return Extraction(
            facts=facts,
            signals=merge_signals(base.signals, parsed.signals),
            summary=summary,
            provider=self.name,
            model_version=self.model,
        )
