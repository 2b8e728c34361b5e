"""``openai-compatible``: any server speaking ``POST /v1/chat/completions`` (Ollama, LM Studio,
llama.cpp server, vLLM, hosted APIs).

Local models on a workstation CPU are slow: one attempt may take up to 110 s, and a timeout is not
retried (429/5xx are), so a run stays inside the ``call-workers-ai`` step's 120 s timeout.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from leaselab_desktop.screening.providers.errors import ProviderConfigError, ProviderOutputError
from leaselab_desktop.screening.providers.http import RetryPolicy, Sleep, post_json
from leaselab_desktop.screening.providers.model_base import ModelProvider
from leaselab_desktop.screening.providers.rules import RulesProvider
from leaselab_desktop.screening.providers.vision import PageImage, with_image_parts


def chat_url(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


class OpenAICompatibleProvider(ModelProvider):
    name = "openai-compatible"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        client: httpx.AsyncClient | None = None,
        timeout: float = 110.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rules: RulesProvider | None = None,
        max_tokens: int = 1024,
        vision: str | None = "auto",
    ) -> None:
        if not base_url or not base_url.strip().lower().startswith(("http://", "https://")):
            raise ProviderConfigError(
                "The OpenAI-compatible provider needs a base URL such as http://localhost:11434 "
                f"(got {base_url!r})."
            )
        if not model or not model.strip():
            raise ProviderConfigError(
                "The OpenAI-compatible provider needs a model name (e.g. llama3.2 for Ollama)."
            )
        super().__init__(
            model=model.strip(), client=client, timeout=timeout,
            retry=retry or RetryPolicy(max_retries=2, retry_timeouts=False), sleep=sleep, rules=rules,
            vision=vision,
        )
        self.url = chat_url(base_url)
        self.service = f"The model server at {self.url}"
        self._api_key = api_key.strip() if api_key else None
        self.max_tokens = max_tokens

    async def _complete(
        self, client: httpx.AsyncClient, messages: list[dict[str, str]], images: list[PageImage]
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        body = {
            "model": self.model, "messages": with_image_parts(messages, images), "temperature": 0, "stream": False,
            "max_tokens": self.max_tokens,
        }
        payload = await post_json(
            client, self.url, body=body, headers=headers, timeout=self.timeout, retry=self.retry,
            service=self.service, sleep=self._sleep,
        )
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ProviderOutputError(
                f"{self.service} answered without choices[0].message.content: {str(payload)[:200]!r}"
            ) from None
        if isinstance(content, list):  # content parts: [{"type": "text", "text": …}, …]
            content = "".join(
                str(part.get("text", "")) for part in content if isinstance(part, dict)
            )
        if not isinstance(content, str) or not content.strip():
            raise ProviderOutputError(f"{self.service} returned an empty message.")
        return content
