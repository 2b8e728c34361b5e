/** The AI providers' plumbing with a fake Workers AI binding and a fake HTTP endpoint (offline). */
import { env } from "cloudflare:test";
import { NonRetryableError } from "cloudflare:workflows";
import { describe, expect, it } from "vitest";
import { callProvider, modelTakesImages, SYSTEM_PROMPT } from "../src/ai/providers";
import type { LeadSnapshot } from "../src/ai/rules";
import { inspectDocument } from "../src/documents/inspect";
import type { Env } from "../src/env";
import { parseAndScore } from "../src/workflow/steps";

const lead: LeadSnapshot = {
  id: "lead_p", site_id: "site_p", first_name: "Ada", last_name: "L", email: "a@example.com", phone: "1", current_address: "x",
  employment_status: "employed", employer: "ACME", employment_start_date: "2022-01-01", monthly_income: 6000, monthly_rent: 1800,
  move_in_date: "2026-12-01", policy_profile: "default",
};
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

async function docs() {
  await env.R2_PRIVATE.put("leads/lead_p/1-id.jpg", JPEG);
  const stub = await inspectDocument({ id: "f1", file_name: "stub.txt", file_type: "paystub", r2_key: "leads/lead_p/0-stub.txt", sha256: "", mime_type: "text/plain" },
    new TextEncoder().encode("EARNINGS STATEMENT\nGross Pay: $3,000.00\nPay Frequency: Bi-weekly"));
  const img = await inspectDocument({ id: "f2", file_name: "id.jpg", file_type: "government_id", r2_key: "leads/lead_p/1-id.jpg", sha256: "", mime_type: "image/jpeg" }, JPEG);
  return [stub, img];
}

const DEFAULT_VISION = "@cf/meta/llama-3.2-11b-vision-instruct";
const withEnv = (over: Partial<Env>) => ({ ...env, ...over }) as Env;

describe("providers", () => {
  it("workers-ai: sends the prompt and the image bytes, returns the raw answer", async () => {
    const calls: { model: string; input: any }[] = [];
    const fakeAi = { run: async (model: string, input: unknown) => { calls.push({ model, input }); return { response: '```json\n{"facts": {"verified_monthly_income": 6500}}\n```' }; } };
    const d = await docs();
    const answer = await callProvider(withEnv({ AI_PROVIDER: "workers-ai", AI: fakeAi as unknown as Ai }), lead, d, [], new Date("2026-11-25"));
    expect(answer.provider).toBe("workers-ai");
    expect(answer.model_version).toBe("@cf/meta/llama-3.2-11b-vision-instruct");
    expect(calls[0].input.messages[0].content).toBe(SYSTEM_PROMPT);
    expect(calls[0].input.messages[1].content).toContain("Gross Pay: $3,000.00");
    expect(calls[0].input.messages[1].content).not.toContain("Ada"); // names are not sent
    expect(calls[0].input.image).toEqual(Array.from(JPEG));
    const draft = parseAndScore(lead, { documents: d, signals: [], fingerprint: "", hashes: [], skipped: 0 }, answer, new Date("2026-11-25"));
    expect(draft.facts.verified_monthly_income).toBe(6500); // the model's verified figure wins
    expect(draft.result.score).toBeGreaterThan(0);
  });

  it("openai-compatible: posts to AI_BASE_URL/chat/completions and maps HTTP errors", async () => {
    const d = await docs();
    const e = withEnv({ AI_PROVIDER: "openai-compatible", AI_BASE_URL: "http://127.0.0.1:11434/v1/", AI_MODEL: "llama3.2-vision", AI_API_KEY: "k" });
    let seen: { url: string; body: any; auth: string | null } | null = null;
    const ok = (async (url: string, init: RequestInit) => {
      seen = { url, body: JSON.parse(String(init.body)), auth: new Headers(init.headers).get("Authorization") };
      return Response.json({ choices: [{ message: { content: '{"facts": {}, "signals": []}' } }] });
    }) as unknown as typeof fetch;
    const answer = await callProvider(e, lead, d, [], new Date(), ok);
    expect(seen!.url).toBe("http://127.0.0.1:11434/v1/chat/completions");
    expect(seen!.auth).toBe("Bearer k");
    expect(seen!.body.model).toBe("llama3.2-vision");
    expect(seen!.body.messages[1].content[1].image_url.url).toMatch(/^data:image\/jpeg;base64,/);
    expect(answer.raw).toBe('{"facts": {}, "signals": []}');

    const status = (code: number) => (async () => new Response("nope", { status: code })) as unknown as typeof fetch;
    const transient = await callProvider(e, lead, d, [], new Date(), status(503)).catch((x) => x);
    expect(transient).toBeInstanceOf(Error);
    expect(transient).not.toBeInstanceOf(NonRetryableError);
    const fatal = await callProvider(e, lead, d, [], new Date(), status(401)).catch((x) => x);
    expect(fatal).toBeInstanceOf(NonRetryableError);
    expect(fatal.message).toMatch(/HTTP 401/);
    const noUrl = await callProvider(withEnv({ AI_PROVIDER: "openai-compatible", AI_BASE_URL: "" }), lead, d, [], new Date()).catch((x) => x);
    expect(noUrl.message).toMatch(/AI_BASE_URL is not set/);
  });

  // Workers AI cannot run offline (workerd has no model): the AI binding here is a fake that
  // records what the workflow sent it. The real request shape is Workers AI's documented input.
  it("vision: image documents go to a vision model (capped), never to a text model", async () => {
    const d = await docs();
    const big = await inspectDocument({ id: "f3", file_name: "huge.png", file_type: "government_id", r2_key: "leads/lead_p/2-huge.png", sha256: "", mime_type: "image/png" },
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(3 * 1024 * 1024)]));
    const calls: { model: string; input: any }[] = [];
    const fakeAi = { run: async (model: string, input: unknown) => { calls.push({ model, input }); return { response: "{}" }; } };
    const run = (model: string, vision?: string) =>
      callProvider(withEnv({ AI_PROVIDER: "workers-ai", AI_MODEL: model, AI_VISION: vision, AI: fakeAi as unknown as Ai }), lead, [...d, big], [], new Date());

    await run("@cf/meta/llama-3.1-8b-instruct"); // a text model: no image at all
    expect(calls[0].input.image).toBeUndefined();
    expect(typeof calls[0].input.messages[1].content).toBe("string");

    await run("@cf/meta/llama-4-scout-17b-16e-instruct"); // OpenAI-style parts; the 3 MB PNG is over the cap
    const parts = calls[1].input.messages[1].content;
    expect(parts.map((p: any) => p.type)).toEqual(["text", "image_url"]);
    expect(parts[0].text).toContain("Images attached, in order: id.jpg.");
    expect(parts[1].image_url.url).toBe(`data:image/jpeg;base64,${btoa(String.fromCharCode(...JPEG))}`);

    await run("@cf/meta/llama-3.1-8b-instruct", "on"); // the setting wins over the name
    expect(calls[2].input.messages[1].content[1].type).toBe("image_url");
    await run(DEFAULT_VISION, "off");
    expect(calls[3].input.image).toBeUndefined();
    expect(modelTakesImages("llava:13b", undefined) && !modelTakesImages("llama3.2", "auto")).toBe(true);
  });

  it("refuses an unknown provider and an unusable answer without retrying", async () => {
    const bad = await callProvider(withEnv({ AI_PROVIDER: "magic" }), lead, [], [], new Date()).catch((x) => x);
    expect(bad).toBeInstanceOf(NonRetryableError);
    expect(() => parseAndScore(lead, { documents: [], signals: [], fingerprint: "", hashes: [], skipped: 0 },
      { provider: "workers-ai", model_version: "m", raw: "Sorry, I can't." }, new Date())).toThrow(/could not be used/);
  });
});
