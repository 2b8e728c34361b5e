"""AI providers: lead + documents → ``Extraction`` (facts and signals; never a score).

``rules`` (default, offline, deterministic), ``workers-ai`` (Cloudflare REST), ``openai-compatible``
(Ollama, LM Studio, llama.cpp server, …).
"""

from __future__ import annotations

import httpx

from leaselab_desktop.screening.providers.base import Provider
from leaselab_desktop.screening.providers.errors import (
    ProviderConfigError,
    ProviderError,
    ProviderOutputError,
    ProviderUnavailable,
)
from leaselab_desktop.screening.providers.openai_compat import OpenAICompatibleProvider
from leaselab_desktop.screening.providers.rules import RulesProvider
from leaselab_desktop.screening.providers.workers_ai import DEFAULT_MODEL, WorkersAIProvider

PROVIDER_KINDS: tuple[str, ...] = ("rules", "workers-ai", "openai-compatible")


def make_provider(
    kind: str,
    *,
    account_id: str | None = None,
    token: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    client: httpx.AsyncClient | None = None,
    vision: str | None = "auto",
) -> Provider:
    """Build a provider from settings. ``token`` is the Workers AI token or the OpenAI-style API key
    (read from the keyring by the caller). Raises ``ProviderConfigError`` with what is missing."""
    normal = (kind or "").strip().lower().replace("_", "-")
    if normal == "rules":
        return RulesProvider()
    if normal == "workers-ai":
        return WorkersAIProvider(
            account_id or "", token or "", model=model, base_url=base_url, client=client, vision=vision
        )
    if normal in ("openai-compatible", "openai"):
        return OpenAICompatibleProvider(
            base_url or "", model or "", api_key=token, client=client, vision=vision
        )
    raise ProviderConfigError(
        f"Unknown AI provider {kind!r}; choose one of: {', '.join(PROVIDER_KINDS)}."
    )


__all__ = [
    "DEFAULT_MODEL",
    "PROVIDER_KINDS",
    "OpenAICompatibleProvider",
    "Provider",
    "ProviderConfigError",
    "ProviderError",
    "ProviderOutputError",
    "ProviderUnavailable",
    "RulesProvider",
    "WorkersAIProvider",
    "make_provider",
]
