"""Workers AI and OpenAI-compatible providers against a real HTTP server on loopback."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from loopback_server import Reply, ScriptedServer
from provider_builders import full_set, lead

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import DocumentSet
from leaselab_desktop.screening.policy import load_policy
from leaselab_desktop.screening.providers import (
    DEFAULT_MODEL,
    OpenAICompatibleProvider,
    ProviderConfigError,
    ProviderOutputError,
    ProviderUnavailable,
    WorkersAIProvider,
    make_provider,
)
from leaselab_desktop.screening.providers.http import RetryPolicy
from leaselab_desktop.screening.scoring import score

ANSWER = {
    "facts": {"verified_monthly_income": 5100, "employment_months": 30, "average_bank_balance": 4000},
    "signals": [{"code": "income_mismatch", "severity": "medium", "document": "s1.pdf",
                 "evidence": "stub says 2,350"}],
    "summary": "Two biweekly pay stubs from Northwind Logistics and one bank statement.",
}
FAST = RetryPolicy(max_retries=2, backoff=0.01, max_delay=0.05)


def cf_ok(answer: Any) -> dict[str, Any]:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return {"result": {"response": text}, "success": True, "errors": [], "messages": []}


def oa_ok(content: str) -> dict[str, Any]:
    return {"id": "x", "object": "chat.completion", "model": "llama3.2",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}]}


def workers(server: ScriptedServer, client: httpx.AsyncClient, **kw: Any) -> WorkersAIProvider:
    kw.setdefault("retry", FAST)
    kw.setdefault("timeout", 2.0)
    return WorkersAIProvider("acc123", "tok-secret", base_url=server.base_url + "/client/v4",
                             client=client, **kw)


def openai(server: ScriptedServer, client: httpx.AsyncClient, **kw: Any) -> OpenAICompatibleProvider:
    kw.setdefault("retry", FAST)
    kw.setdefault("timeout", 2.0)
    return OpenAICompatibleProvider(server.base_url, "llama3.2", client=client, **kw)


@pytest.fixture()
async def client() -> Any:
    async with httpx.AsyncClient() as c:
        yield c


# -- Workers AI ---------------------------------------------------------------------------------

async def test_workers_ai_answers_well(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, cf_ok(ANSWER)))
    policy = load_policy()
    sigs = [Signal(code="editing_software", severity="low", document="b1.pdf")]
    ex = await workers(server, client).extract(lead(message="please approve me"), full_set(sigs), policy)
    assert ex.provider == "workers-ai" and ex.model_version == DEFAULT_MODEL
    # documents win for verified income (2 stubs: 5,200), the model fills nothing it cannot
    assert ex.facts.verified_monthly_income == 5200.0
    assert [s.code for s in ex.signals] == ["editing_software", "income_mismatch"]
    assert ex.summary is not None
    assert ex.summary.startswith("Stated income $5,200/month; verified $5,200/month")
    assert ex.summary.endswith(f"Model ({DEFAULT_MODEL}): {ANSWER['summary']}")
    result = score(ex.facts, ex.signals, policy)
    assert result.recommendation == "approve_with_verification"  # medium signal

    seen = server.seen[0]
    assert seen.path == f"/client/v4/accounts/acc123/ai/run/{DEFAULT_MODEL}"
    assert seen.headers["Authorization"] == "Bearer tok-secret"
    assert seen.body["temperature"] == 0
    roles = [m["role"] for m in seen.body["messages"]]
    assert roles == ["system", "user"]
    prompt = seen.body["messages"][1]["content"]
    assert "please approve me" not in prompt  # the free-text message is not sent
    assert "Maya" not in prompt and "maya@example.com" not in prompt
    assert policy.version in prompt and "s1.pdf" in prompt


async def test_workers_ai_answer_as_an_object(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, {"result": {"response": ANSWER}, "success": True, "errors": []}))
    ex = await workers(server, client).extract(lead(), full_set())
    assert [s.code for s in ex.signals] == ["income_mismatch"]


async def test_workers_ai_malformed_answer(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, cf_ok("I'm sorry, I can't read these documents.")))
    with pytest.raises(ProviderOutputError, match="no JSON object"):
        await workers(server, client).extract(lead(), full_set())
    assert len(server.seen) == 1  # bad output is not retried


async def test_workers_ai_body_not_json(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, "<html>gateway</html>"))
    with pytest.raises(ProviderOutputError, match="not JSON"):
        await workers(server, client).extract(lead(), full_set())


async def test_workers_ai_without_result(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, {"success": True, "result": {}}))
    with pytest.raises(ProviderOutputError, match=r"result\.response"):
        await workers(server, client).extract(lead(), full_set())


async def test_workers_ai_times_out(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(hang=True), Reply(hang=True))
    p = workers(server, client, timeout=0.2, retry=RetryPolicy(max_retries=1, backoff=0.01))
    with pytest.raises(ProviderUnavailable, match=r"did not answer within 0\.2 s.*2 attempts"):
        await p.extract(lead(), full_set())
    assert len(server.seen) == 2


async def test_workers_ai_times_out_once_then_ok_on_retry(
    server: ScriptedServer, client: httpx.AsyncClient
) -> None:
    server.add(Reply(hang=True), Reply(200, cf_ok(ANSWER)))
    p = workers(server, client, timeout=0.2)
    ex = await p.extract(lead(), full_set())
    assert ex.signals and len(server.seen) == 2


async def test_workers_ai_429_then_ok_honours_retry_after(
    server: ScriptedServer, client: httpx.AsyncClient
) -> None:
    server.add(Reply(429, {"errors": [{"message": "rate limited"}]}, {"Retry-After": "0"}),
               Reply(200, cf_ok(ANSWER)))
    delays: list[float] = []

    async def sleep(d: float) -> None:
        delays.append(d)

    ex = await workers(server, client, sleep=sleep).extract(lead(), full_set())
    assert ex.provider == "workers-ai"
    assert delays == [0.0]
    assert len(server.seen) == 2


async def test_workers_ai_500_then_ok(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(500, {"errors": [{"message": "internal"}]}), Reply(502, "bad gateway"),
               Reply(200, cf_ok(ANSWER)))
    delays: list[float] = []

    async def sleep(d: float) -> None:
        delays.append(d)

    p = workers(server, client, sleep=sleep, retry=RetryPolicy(max_retries=2, backoff=0.5))
    ex = await p.extract(lead(), full_set())
    assert ex.signals
    assert delays == [0.5, 1.0]  # exponential backoff


async def test_workers_ai_persistent_500_gives_up(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(*[Reply(500, {"errors": [{"message": "boom"}]}) for _ in range(5)])
    with pytest.raises(ProviderUnavailable, match=r"failed \(500\).*gave up after 3 attempts") as info:
        await workers(server, client).extract(lead(), full_set())
    assert info.value.status == 500 and info.value.retryable
    assert len(server.seen) == 3


async def test_workers_ai_licence_not_accepted(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(403, {"success": False, "result": None, "messages": [], "errors": [{
        "code": 5016,
        "message": "5016: Prior to using this model, you must submit the prompt 'agree' to agree "
                   "to the Meta License and Acceptable Use Policy",
    }]}))
    with pytest.raises(ProviderConfigError) as info:
        await workers(server, client).extract(lead(), full_set())
    message = str(info.value)
    assert "licence" in message and '{"prompt": "agree"}' in message
    assert not info.value.retryable
    assert len(server.seen) == 1


async def test_workers_ai_licence_error_inside_a_200(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, {"success": False, "errors": [{"code": 5016, "message": "Model Agreement"}]}))
    with pytest.raises(ProviderConfigError, match="agree"):
        await workers(server, client).extract(lead(), full_set())


async def test_workers_ai_accept_licence_sends_agree(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, {"success": True, "result": {"response": "Thank you for agreeing."}}))
    await workers(server, client).accept_licence()
    assert server.seen[0].body == {"prompt": "agree"}


async def test_workers_ai_401(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(401, {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}))
    with pytest.raises(ProviderConfigError, match=r"refused the credentials \(401\)"):
        await workers(server, client).extract(lead(), full_set())
    assert len(server.seen) == 1


async def test_workers_ai_unreachable(client: httpx.AsyncClient) -> None:
    p = WorkersAIProvider("acc", "tok", base_url="http://127.0.0.1:9", client=client,
                          retry=RetryPolicy(max_retries=1, backoff=0.01), timeout=1.0)
    with pytest.raises(ProviderUnavailable, match="cannot be reached"):
        await p.extract(lead(), full_set())


async def test_workers_ai_owns_its_client_when_none_is_given(server: ScriptedServer) -> None:
    server.add(Reply(200, cf_ok(ANSWER)))
    p = WorkersAIProvider("acc", "tok", base_url=server.base_url, retry=FAST)
    ex = await p.extract(lead(), full_set())
    assert ex.signals


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"token": "t"}, "account id"),
        ({"account_id": "a"}, "API token"),
        ({"account_id": "a", "token": "  "}, "API token"),
    ],
)
def test_workers_ai_config_errors(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ProviderConfigError, match=message):
        make_provider("workers-ai", **kwargs)


# -- OpenAI-compatible --------------------------------------------------------------------------

async def test_openai_answers_well(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    fenced = "Here is the extraction:\n```json\n" + json.dumps(ANSWER) + "\n```"
    server.add(Reply(200, oa_ok(fenced)))
    p = openai(server, client, api_key="sk-local")
    ex = await p.extract(lead(), full_set(), load_policy())
    assert ex.provider == "openai-compatible" and ex.model_version == "llama3.2"
    assert [s.code for s in ex.signals] == ["income_mismatch"]
    seen = server.seen[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["Authorization"] == "Bearer sk-local"
    assert seen.body["model"] == "llama3.2" and seen.body["stream"] is False


async def test_openai_without_key_sends_no_authorization(
    server: ScriptedServer, client: httpx.AsyncClient
) -> None:
    server.add(Reply(200, oa_ok(json.dumps(ANSWER))))
    p = OpenAICompatibleProvider(server.base_url + "/v1/", "llama3.2", client=client, retry=FAST)
    await p.extract(lead(), full_set())
    assert "Authorization" not in server.seen[0].headers
    assert server.seen[0].path == "/v1/chat/completions"


async def test_openai_content_parts(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    parts = [{"type": "text", "text": '{"facts": {"employment_months": 14}, '},
             {"type": "text", "text": '"signals": []}'}]
    server.add(Reply(200, {"choices": [{"message": {"role": "assistant", "content": parts}}]}))
    ex = await openai(server, client).extract(lead(employment_start_date=None), DocumentSet())
    assert ex.facts.employment_months == 14  # a gap the (absent) documents left


async def test_openai_malformed(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, oa_ok('{"facts": {"verified_monthly_income": 5200')))
    with pytest.raises(ProviderOutputError, match="no JSON object"):
        await openai(server, client).extract(lead(), full_set())


async def test_openai_no_choices(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(200, {"choices": []}))
    with pytest.raises(ProviderOutputError, match=r"choices\[0\]"):
        await openai(server, client).extract(lead(), full_set())


async def test_openai_slow_times_out_without_retrying_the_wait(
    server: ScriptedServer, client: httpx.AsyncClient
) -> None:
    server.add(Reply(hang=True), Reply(200, oa_ok(json.dumps(ANSWER))))
    p = openai(server, client, timeout=0.2, retry=RetryPolicy(max_retries=2, retry_timeouts=False))
    with pytest.raises(ProviderUnavailable, match=r"did not answer within 0\.2 s"):
        await p.extract(lead(), full_set())
    assert len(server.seen) == 1


def test_default_budgets_fit_the_step_timeout() -> None:
    wa = WorkersAIProvider("a", "t")
    worst = wa.timeout * (wa.retry.max_retries + 1) + sum(
        wa.retry.delay(n, None) for n in range(1, wa.retry.max_retries + 1)
    )
    assert worst < 120
    oa = OpenAICompatibleProvider("http://localhost:11434", "llama3.2")
    assert not oa.retry.retry_timeouts and oa.timeout < 120


async def test_openai_429_then_500_then_ok(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(429, {"error": "busy"}), Reply(500, {"error": "oops"}),
               Reply(200, oa_ok(json.dumps(ANSWER))))
    ex = await openai(server, client).extract(lead(), full_set())
    assert ex.signals and len(server.seen) == 3


async def test_openai_persistent_503(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(*[Reply(503, {"error": "loading model"}) for _ in range(3)])
    with pytest.raises(ProviderUnavailable, match=r"failed \(503\)"):
        await openai(server, client).extract(lead(), full_set())
    assert len(server.seen) == 3


async def test_openai_401_and_404(server: ScriptedServer, client: httpx.AsyncClient) -> None:
    server.add(Reply(401, {"error": {"message": "Incorrect API key"}}),
               Reply(404, {"error": "model 'llama9' not found"}))
    with pytest.raises(ProviderConfigError, match="401"):
        await openai(server, client).extract(lead(), full_set())
    with pytest.raises(ProviderConfigError, match=r"404.*llama9"):
        await openai(server, client).extract(lead(), full_set())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "m"}, "base URL"),
        ({"base_url": "localhost:11434", "model": "m"}, "base URL"),
        ({"base_url": "http://localhost:11434"}, "model name"),
    ],
)
def test_openai_config_errors(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ProviderConfigError, match=message):
        make_provider("openai-compatible", **kwargs)


def test_unknown_provider_kind() -> None:
    with pytest.raises(ProviderConfigError, match="choose one of: rules, workers-ai, openai-compatible"):
        make_provider("gpt-magic")
