"""``workers-ai``: Cloudflare Workers AI over its REST API.

Defaults (30 s timeout, 2 retries with 1 s / 2 s backoff: at most ~93 s) fit inside the
``call-workers-ai`` step's 120 s timeout.

``POST {base_url}/accounts/{account_id}/ai/run/{model}`` with a bearer token. Meta's Llama 3.2
models answer only after the account accepted the licence once (``{"prompt": "agree"}``); until
then Cloudflare answers error 5016 and this provider says what to do.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from leaselab_desktop.screening.providers.errors import ProviderConfigError, ProviderOutputError
from leaselab_desktop.screening.providers.http import RetryPolicy, Sleep, post_json
from leaselab_desktop.screening.providers.model_base import ModelProvider
from leaselab_desktop.screening.providers.rules import RulesProvider
from leaselab_desktop.screening.providers.vision import PageImage, with_image_parts

CLOUDFLARE_API = "https://api.cloudflare.com/client/v4"
DEFAULT_MODEL = "@cf/meta/llama-3.2-11b-vision-instruct"
LICENCE_CODE = 5016
_ONE_IMAGE_FIELD = re.compile(r"llama-3\.2-\d+b-vision", re.IGNORECASE)
_LICENCE_WORDS = re.compile(r"\bagree|licen[cs]e|model terms", re.IGNORECASE)


def licence_message(model: str) -> str:
    return (
        f"Workers AI: the licence of {model} has not been accepted for this Cloudflare account. "
        "An account administrator must accept it once by sending {\"prompt\": \"agree\"} to the "
        f"model (POST /accounts/<account_id>/ai/run/{model}), e.g. with the \"Accept model "
        "licence\" button in Settings → AI provider; then run the evaluation again."
    )


def _errors(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        return [e for e in payload["errors"] if isinstance(e, dict)]
    return []


def is_licence_error(payload: Any, text: str = "") -> bool:
    for err in _errors(payload):
        if err.get("code") == LICENCE_CODE or _LICENCE_WORDS.search(str(err.get("message", ""))):
            return True
    return bool(text) and not _errors(payload) and bool(_LICENCE_WORDS.search(text))


class WorkersAIProvider(ModelProvider):
    name = "workers-ai"
    service = "Cloudflare Workers AI"

    def __init__(
        self,
        account_id: str,
        token: str,
        *,
        model: str | None = None,
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rules: RulesProvider | None = None,
        max_tokens: int = 1024,
        vision: str | None = "auto",
    ) -> None:
        if not account_id or not account_id.strip():
            raise ProviderConfigError("Workers AI needs the Cloudflare account id (Settings → AI provider).")
        if not token or not token.strip():
            raise ProviderConfigError(
                "Workers AI needs an API token with Workers AI permission; none is stored in the "
                "system keyring (Settings → AI provider)."
            )
        super().__init__(
            model=model or DEFAULT_MODEL, client=client, timeout=timeout, retry=retry, sleep=sleep,
            rules=rules, vision=vision,
        )
        self.account_id = account_id.strip()
        self._token = token.strip()
        self.base_url = (base_url or CLOUDFLARE_API).rstrip("/")
        self.max_tokens = max_tokens

    @property
    def url(self) -> str:
        return f"{self.base_url}/accounts/{self.account_id}/ai/run/{self.model}"

    def _inspect(self, response: httpx.Response) -> None:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        failed = response.status_code >= 400 or (isinstance(payload, dict) and payload.get("success") is False)
        if failed and is_licence_error(payload, response.text if payload is None else ""):
            raise ProviderConfigError(licence_message(self.model))

    async def _post(self, client: httpx.AsyncClient, body: dict[str, Any]) -> Any:
        return await post_json(
            client, self.url, body=body, headers={"Authorization": f"Bearer {self._token}"},
            timeout=self.timeout, retry=self.retry, service=self.service, sleep=self._sleep,
            inspect=self._inspect,
        )

    def _body(self, messages: list[dict[str, str]], images: list[PageImage]) -> dict[str, Any]:
        body: dict[str, Any] = {"max_tokens": self.max_tokens, "temperature": 0}
        if images and _ONE_IMAGE_FIELD.search(self.model):
            # Llama 3.2 Vision's input schema: text messages plus one `image` (base64): the first
            # page goes there, and the prompt says which page it is.
            first = images[0]
            body["messages"] = [dict(m) for m in messages]
            body["messages"][-1]["content"] += f"\n\nPage image attached: {first.document} p.{first.page}."
            body["image"] = first.base64()
        else:  # newer Workers AI vision models take OpenAI-style image_url parts
            body["messages"] = with_image_parts(messages, images)
        return body

    async def _complete(
        self, client: httpx.AsyncClient, messages: list[dict[str, str]], images: list[PageImage]
    ) -> Any:
        payload = await self._post(client, self._body(messages, images))
        if not isinstance(payload, dict) or payload.get("success") is False:
            errors = "; ".join(str(e.get("message", e)) for e in _errors(payload)) or str(payload)[:200]
            raise ProviderOutputError(f"Workers AI reported a failure: {errors}")
        result = payload.get("result")
        answer = result.get("response") if isinstance(result, dict) else result
        if answer is None or answer == "":
            raise ProviderOutputError("Workers AI answered without a 'result.response'.")
        return answer

    async def accept_licence(self) -> None:
        """Send the one-time ``{"prompt": "agree"}`` that accepts the model's licence."""
        body = {"prompt": "agree"}
        if self._client is not None:
            await self._post_agree(self._client, body)
            return
        async with httpx.AsyncClient() as client:
            await self._post_agree(client, body)

    async def _post_agree(self, client: httpx.AsyncClient, body: dict[str, Any]) -> None:
        await post_json(
            client, self.url, body=body, headers={"Authorization": f"Bearer {self._token}"},
            timeout=self.timeout, retry=self.retry, service=self.service, sleep=self._sleep,
        )
