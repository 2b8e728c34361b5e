/**
 * AI providers for the `call-workers-ai` step. `rules` (deterministic, offline), `workers-ai`
 * (env.AI.run with the Llama 3.2 vision model; images go to the model as bytes) and
 * `openai-compatible` (AI_BASE_URL + /chat/completions). Each returns the model's raw text; the
 * `parse-ai-response` step parses it defensively. Images are read from R2 here, inside the step.
 */
import { NonRetryableError } from "cloudflare:workflows";
import type { DocumentFacts } from "../documents/inspect";
import type { Env } from "../env";
import type { ApplicantFacts, Signal } from "../scoring";
import { buildFacts, describe, RULES_VERSION, type LeadSnapshot } from "./rules";
import { MODEL_SIGNAL_CODES, SPEC } from "../spec";

export const DEFAULT_MODEL = "@cf/meta/llama-3.2-11b-vision-instruct";
export const PROVIDERS = ["rules", "workers-ai", "openai-compatible"] as const;
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const MAX_RAW = 64 * 1024;

export interface ProviderAnswer {
  provider: string;
  model_version: string;
  raw: string;
}

export function providerName(env: Env): string {
  const p = (env.AI_PROVIDER || "rules").trim();
  if (!(PROVIDERS as readonly string[]).includes(p)) {
    throw new NonRetryableError(`AI_PROVIDER '${p}' is not supported; use one of ${PROVIDERS.join(", ")}`);
  }
  return p;
}

export const SYSTEM_PROMPT = [
  "You extract facts from a rental application and its documents for a tenant screening policy.",
  "Answer with ONE JSON object and nothing else:",
  '{"facts": {"verified_monthly_income": number|null, "public_assistance_monthly": number|null,',
  ' "employment_months": number|null, "average_bank_balance": number|null, "negative_balance_days": number|null},',
  ` "signals": [{"code": "${[...MODEL_SIGNAL_CODES].sort().join("|")}",`,
  ` "severity": "${SPEC.severities.slice(0, SPEC.severities.indexOf(SPEC.model_max_severity) + 1).join("|")}", "document": "file name", "evidence": "what you saw"}],`,
  ' "summary": "two neutral sentences"}',
  "Use only what the documents show; use null when unknown. Never give a score, label or recommendation.",
  "Never consider age, race, origin, religion, sex, family status, disability or receipt of public assistance as such.",
].join("\n");

export function userPrompt(lead: LeadSnapshot, docs: DocumentFacts[], signals: Signal[]): string {
  const app = {
    employment_status: lead.employment_status, employer: lead.employer, employment_start_date: lead.employment_start_date,
    stated_monthly_income: lead.monthly_income, monthly_rent: lead.monthly_rent, move_in_date: lead.move_in_date,
  };
  const parts = [`Application: ${JSON.stringify(app)}`];
  for (const d of docs) {
    parts.push(
      `--- Document "${d.file_name}" (declared ${d.declared_type}, detected ${d.detected_format}/${d.kind}` +
        `${d.error ? `, error ${d.error}` : ""}) metadata ${JSON.stringify(d.metadata)}\n${d.text.slice(0, 3000)}`,
    );
  }
  if (signals.length) parts.push(`Checks already found: ${JSON.stringify(signals.map((s) => ({ code: s.code, severity: s.severity, document: s.document })))}`);
  return parts.join("\n");
}

async function firstImage(env: Env, docs: DocumentFacts[]): Promise<Uint8Array | null> {
  const img = docs.find((d) => ["jpeg", "png", "webp", "gif"].includes(d.detected_format) && d.size <= MAX_IMAGE_BYTES);
  if (!img) return null;
  const obj = await env.R2_PRIVATE.get(img.r2_key);
  return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
}

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function rulesAnswer(lead: LeadSnapshot, docs: DocumentFacts[], signals: Signal[], today: Date): ProviderAnswer {
  const { facts, incomeSource } = buildFacts(lead, docs, today);
  const f: Partial<ApplicantFacts> = {
    verified_monthly_income: facts.verified_monthly_income, public_assistance_monthly: facts.public_assistance_monthly,
    employment_months: facts.employment_months, average_bank_balance: facts.average_bank_balance,
    negative_balance_days: facts.negative_balance_days,
  };
  return {
    provider: "rules", model_version: RULES_VERSION,
    raw: JSON.stringify({ facts: f, signals: [], summary: describe(facts, docs, signals, incomeSource) }),
  };
}

export async function callProvider(
  env: Env, lead: LeadSnapshot, docs: DocumentFacts[], signals: Signal[], today: Date, fetcher: typeof fetch = fetch,
): Promise<ProviderAnswer> {
  const provider = providerName(env);
  if (provider === "rules") return rulesAnswer(lead, docs, signals, today);
  const model = env.AI_MODEL || DEFAULT_MODEL;
  const prompt = userPrompt(lead, docs, signals);
  const image = await firstImage(env, docs);
  if (provider === "workers-ai") {
    const input: Record<string, unknown> = {
      messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: prompt }],
      max_tokens: 1024, temperature: 0,
    };
    if (image) input.image = Array.from(image);
    const result = (await env.AI.run(model as Parameters<Ai["run"]>[0], input as never)) as { response?: unknown };
    const raw = typeof result?.response === "string" ? result.response : JSON.stringify(result?.response ?? result ?? "");
    return { provider, model_version: model, raw: raw.slice(0, MAX_RAW) };
  }
  // openai-compatible
  if (!env.AI_BASE_URL) throw new NonRetryableError("AI_PROVIDER is openai-compatible but AI_BASE_URL is not set");
  const url = `${env.AI_BASE_URL.replace(/\/+$/, "")}/chat/completions`;
  const userContent: unknown = image
    ? [{ type: "text", text: prompt }, { type: "image_url", image_url: { url: `data:image/jpeg;base64,${base64(image)}` } }]
    : prompt;
  const res = await fetcher(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(env.AI_API_KEY ? { Authorization: `Bearer ${env.AI_API_KEY}` } : {}) },
    body: JSON.stringify({
      model, temperature: 0, response_format: { type: "json_object" },
      messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: userContent }],
    }),
  });
  if (!res.ok) {
    const msg = `The AI endpoint answered HTTP ${res.status}`;
    if (res.status === 429 || res.status >= 500) throw new Error(msg); // retried by the step
    throw new NonRetryableError(`${msg}; check AI_BASE_URL, AI_MODEL and AI_API_KEY`);
  }
  const body = (await res.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[] } | null;
  const content = body?.choices?.[0]?.message?.content;
  if (typeof content !== "string") throw new NonRetryableError("The AI endpoint's answer had no choices[0].message.content");
  return { provider, model_version: model, raw: content.slice(0, MAX_RAW) };
}
