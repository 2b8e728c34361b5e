import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { startEvaluation } from "../src/start-evaluation";
import { WORKFLOW_STEPS } from "../src/spec";
import { client, createLead, createSite, json, waitForRun } from "./helpers";
import { makePdf, paystubLines } from "./pdf-fixture";

const STEPS = [...WORKFLOW_STEPS];

async function leadWithPaystub(site: Awaited<ReturnType<typeof createSite>>) {
  const leadId = await createLead(site, { monthly_income: 5600 });
  const pdf = await makePdf({ lines: paystubLines({ gross: 2600, deductions: 600, net: 2000 }) });
  expect((await client(site).upload(leadId, "stub.pdf", "paystub", pdf)).status).toBe(201);
  return leadId;
}

describe("start → follow → result", () => {
  it("runs the seven steps and stores a scored, explained evaluation", async () => {
    const site = await createSite();
    const leadId = await leadWithPaystub(site);
    const c = client(site);
    const res = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, { force_refresh: false, reason: null });
    expect(res.status).toBe(202);
    const started = await json(res);
    expect(started.data).toMatchObject({ lead_id: leadId, status: "queued" });
    expect(started.data.instance_id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/);
    expect(started.usage).toMatchObject({ remaining: 19, limit: 20 });

    const run = await waitForRun(c, started.data.instance_id);
    expect(run.status).toBe("complete");
    expect(run.steps.map((s: any) => s.name)).toEqual(STEPS);
    for (const s of run.steps) {
      expect(s.status).toBe("complete");
      expect(s.attempts).toBe(1);
      expect(s.started_at).toBeTruthy();
      expect(s.ended_at).toBeTruthy();
    }
    expect(run.current_step).toBeNull();
    expect(run.can_retry).toBe(false);
    expect(run.completed_at).toBeTruthy();
    const ev = run.output;
    expect(ev.id).toBe(ev.evaluation_id);
    expect(ev.workflow_instance_id).toBe(started.data.instance_id);
    expect(ev.provider).toBe("rules");
    expect(ev.factors).toHaveLength(6);
    expect(ev.factors.reduce((n: number, f: any) => n + f.max_points, 0)).toBe(100);
    expect(ev.score).toBe(Math.round(ev.factors.reduce((n: number, f: any) => n + f.points, 0)));
    expect(["A", "B", "C"]).toContain(ev.label);
    expect(ev.policy_version).toBeTruthy();
    expect(ev.document_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.facts.verified_monthly_income).toBeCloseTo((2600 * 26) / 12, 1);
    expect(ev.summary).toContain(`Score ${ev.score}/100`);

    const latest = await json(await c.get(`/api/ops/leads/${leadId}/ai-evaluation`));
    expect(latest.data.id).toBe(ev.id);
    const lead = (await json(await c.get(`/api/ops/leads/${leadId}`))).data;
    expect(lead).toMatchObject({ aiScore: ev.score, aiLabel: ev.label, status: "ai_evaluated" });
  });

  it("sends an ETag and answers If-None-Match with 304", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    await waitForRun(c, id);
    const first = await c.get(`/api/ops/ai-workflows/${id}`);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^".+"$/);
    const again = await c.get(`/api/ops/ai-workflows/${id}`, { "If-None-Match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const changed = await c.get(`/api/ops/ai-workflows/${id}`, { "If-None-Match": '"stale"' });
    expect(changed.status).toBe(200);
  });

  it("needs X-User-Id and a JSON object body", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const noUser = await client(site, null).post(`/api/ops/leads/${leadId}/ai-evaluation`, {});
    expect(noUser.status).toBe(400);
    expect((await json(noUser)).error).toBe("Missing required headers");
    const bad = await client(site).post(`/api/ops/leads/${leadId}/ai-evaluation`, "{nope");
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toBe("InvalidBody");
  });
});

describe("guards", () => {
  it("refuses unchanged documents unless forced with a reason, and keeps history", async () => {
    const site = await createSite();
    const leadId = await leadWithPaystub(site);
    const c = client(site);
    const first = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    const done = await waitForRun(c, first);

    const dup = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {});
    expect(dup.status).toBe(409);
    const body = await json(dup);
    expect(body).toMatchObject({ success: false, error: "DuplicateDocuments", last_evaluation_id: done.output.id, can_force: true });
    expect(body.last_evaluated_at).toBeTruthy();

    const noReason = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, { force_refresh: true, reason: "  " });
    expect(noReason.status).toBe(400);
    expect((await json(noReason)).error).toBe("ReasonRequired");

    const forced = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, { force_refresh: true, reason: "New policy version" });
    expect(forced.status).toBe(202);
    const second = await waitForRun(c, (await json(forced)).data.instance_id);
    expect(second.status).toBe("complete");

    const history = (await json(await c.get(`/api/ops/leads/${leadId}/ai-evaluations`))).data;
    expect(history.map((e: any) => e.id)).toEqual([second.output.id, done.output.id]);
    expect(history[0].forced_reason).toBe("New policy version");

    // A new document changes the set: no duplicate guard then.
    await c.upload(leadId, "letter.txt", "employment_letter", new TextEncoder().encode("To whom it may concern, annual salary of $70,000"), "text/plain");
    const third = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {});
    expect(third.status).toBe(202);
    await waitForRun(c, (await json(third)).data.instance_id);
  });

  it("answers AlreadyRunning while a run is active", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const now = new Date().toISOString();
    // An active run whose instance is still going (simulated by a row the engine has not closed).
    await env.DB.prepare(
      "INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, queued_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?)",
    ).bind("ev-inflight-" + leadId, leadId, site.siteId, now, now).run();
    const res = await client(site).post(`/api/ops/leads/${leadId}/ai-evaluation`, {});
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({ success: false, error: "AlreadyRunning", instance_id: "ev-inflight-" + leadId });
    const usage = (await json(await client(site).get("/api/ops/ai-usage"))).data;
    expect(usage.evaluation_count).toBe(0);
  });

  it("accepts exactly one of two simultaneous starts for the same lead", async () => {
    const site = await createSite();
    const c = client(site);
    for (let round = 0; round < 5; round++) {
      const leadId = await createLead(site);
      const answers = await Promise.all([c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}), c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {})]);
      const bodies = await Promise.all(answers.map((r) => json(r)));
      const codes = answers.map((r) => r.status).sort();
      expect(codes, JSON.stringify(bodies)).toEqual([202, 409]);
      const accepted = bodies.find((b) => b.success);
      const refused = bodies.find((b) => !b.success);
      if (refused.error === "AlreadyRunning") expect(refused.instance_id).toBe(accepted.data.instance_id);
      else expect(refused.error).toBe("DuplicateDocuments");
      await waitForRun(c, accepted.data.instance_id);
    }
    expect((await json(await c.get("/api/ops/ai-usage"))).data.evaluation_count).toBe(5);
  });

  it("closes an abandoned run instead of blocking the lead forever", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const old = new Date(Date.now() - 31 * 60 * 1000).toISOString();
    await env.DB.prepare(
      "INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, queued_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?)",
    ).bind("ev-abandoned-" + leadId, leadId, site.siteId, old, old).run();
    const c = client(site);
    const res = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {});
    expect(res.status).toBe(202);
    await waitForRun(c, (await json(res)).data.instance_id);
    const closed = await env.DB.prepare("SELECT status, error_name FROM ai_workflow_runs WHERE instance_id = ?").bind("ev-abandoned-" + leadId).first();
    expect(closed).toEqual({ status: "errored", error_name: "Abandoned" });
  });

  it("refuses over quota with the usage, atomically under concurrency", async () => {
    const site = await createSite();
    const month = new Date().toISOString().slice(0, 7);
    await env.DB.prepare("INSERT INTO ai_evaluation_usage (site_id, month, evaluation_count, updated_at) VALUES (?, ?, 17, ?)")
      .bind(site.siteId, month, new Date().toISOString()).run();
    const leads: string[] = [];
    for (let i = 0; i < 8; i++) leads.push(await createLead(site));
    const c = client(site);
    const answers = await Promise.all(leads.map((id) => c.post(`/api/ops/leads/${id}/ai-evaluation`, {})));
    const codes = answers.map((r) => r.status).sort();
    expect(codes.filter((s) => s === 202)).toHaveLength(3);
    expect(codes.filter((s) => s === 403)).toHaveLength(5);
    const refused = await json(answers.find((r) => r.status === 403)!);
    expect(refused).toMatchObject({
      success: false, error: "QuotaExceeded", message: "You have reached your monthly AI evaluation limit (20/20).",
      usage: { remaining: 0, limit: 20, month },
    });
    const usage = (await json(await c.get(`/api/ops/ai-usage?month=${month}`))).data;
    expect(usage).toMatchObject({ month, evaluation_count: 20, quota_limit: 20, tier: "free", remaining: 0, percentage: 100 });
    expect(usage.reset_date).toMatch(/^\d{4}-\d{2}-01$/);
    for (const r of answers.filter((a) => a.status === 202)) await waitForRun(c, (await json(r)).data.instance_id);
  });

  it("gives the quota unit back when the instance cannot be created", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const broken = { ...env, AI_WORKFLOW: { create: async () => { throw new Error("boom"); }, get: env.AI_WORKFLOW.get.bind(env.AI_WORKFLOW) } } as unknown as typeof env;
    const answer = await startEvaluation(broken, { siteId: site.siteId, leadId, userId: "u", force: false, reason: null, now: new Date() });
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).not.toContain("boom");
    const usage = (await json(await client(site).get("/api/ops/ai-usage"))).data;
    expect(usage.evaluation_count).toBe(0);
    const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM ai_workflow_runs WHERE lead_id = ?").bind(leadId).first<{ n: number }>();
    expect(runs?.n).toBe(0);
    // And a normal start works afterwards.
    expect((await client(site).post(`/api/ops/leads/${leadId}/ai-evaluation`, {})).status).toBe(202);
  });

  it("rejects a bad month on the usage route", async () => {
    const site = await createSite({ tier: "pro" });
    expect((await client(site).get("/api/ops/ai-usage?month=2026-13")).status).toBe(400);
    const usage = (await json(await client(site).get("/api/ops/ai-usage?month=2026-02"))).data;
    expect(usage).toMatchObject({ month: "2026-02", quota_limit: 100, tier: "pro", evaluation_count: 0, reset_date: "2026-03-01" });
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer for a repeated key", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const first = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}, { "Idempotency-Key": "key-1" });
    expect(first.status).toBe(202);
    const a = await json(first);
    const again = await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}, { "Idempotency-Key": "key-1" });
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await json(again)).data.instance_id).toBe(a.data.instance_id);
    const usage = (await json(await c.get("/api/ops/ai-usage"))).data;
    expect(usage.evaluation_count).toBe(1);
    await waitForRun(c, a.data.instance_id);
  });

  it("starts one instance for concurrent requests with the same key", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}, { "Idempotency-Key": "same" })));
    const bodies = await Promise.all(answers.map((r) => json(r)));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    expect(new Set(bodies.map((b) => b.data.instance_id)).size).toBe(1);
    const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM ai_workflow_runs WHERE lead_id = ?").bind(leadId).first<{ n: number }>();
    expect(runs?.n).toBe(1);
    await waitForRun(c, bodies[0].data.instance_id);
  });

  it("keeps keys per site and refuses a malformed key", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const res = await client(site).post(`/api/ops/leads/${leadId}/ai-evaluation`, {}, { "Idempotency-Key": "x".repeat(201) });
    expect(res.status).toBe(400);
  });
});

describe("overrides, terminate, retry", () => {
  it("appends overrides without changing the evaluation", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    const ev = (await waitForRun(c, id)).output;
    const bad = await c.post(`/api/ops/ai-evaluations/${ev.id}/override`, { recommendation: "maybe", reason: "x" });
    expect(bad.status).toBe(400);
    const noReason = await c.post(`/api/ops/ai-evaluations/${ev.id}/override`, { recommendation: "approve", reason: " " });
    expect(noReason.status).toBe(400);
    const o1 = await c.post(`/api/ops/ai-evaluations/${ev.id}/override`, { recommendation: "reject", reason: "Reference check failed" });
    expect(o1.status).toBe(201);
    const d1 = (await json(o1)).data;
    expect(d1).toMatchObject({ evaluation_id: ev.id, from_recommendation: ev.recommendation, to_recommendation: "reject", user_id: "agent-1", reason: "Reference check failed" });
    const o2 = (await json(await c.post(`/api/ops/ai-evaluations/${ev.id}/override`, { recommendation: "approve", reason: "Guarantor added" }))).data;
    expect(o2.from_recommendation).toBe("reject");
    const list = (await json(await c.get(`/api/ops/ai-evaluations/${ev.id}/overrides`))).data;
    expect(list.map((o: any) => o.id)).toEqual([d1.id, o2.id]);
    const latest = (await json(await c.get(`/api/ops/leads/${leadId}/ai-evaluation`))).data;
    expect(latest.recommendation).toBe(ev.recommendation);
    expect(latest.override.to_recommendation).toBe("approve");
    expect((await c.post("/api/ops/ai-evaluations/nope/override", { recommendation: "approve", reason: "x" })).status).toBe(404);
  });

  it("refuses to terminate a finished run and retries it as a new counted run", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    await waitForRun(c, id);
    const term = await c.post(`/api/ops/ai-workflows/${id}/terminate`);
    expect(term.status).toBe(409);
    expect((await json(term)).error).toBe("NotRunning");
    const retry = await c.post(`/api/ops/ai-workflows/${id}/retry`);
    expect(retry.status).toBe(202);
    const newId = (await json(retry)).data.instance_id;
    expect(newId).not.toBe(id);
    expect((await waitForRun(c, newId)).status).toBe("complete");
    expect((await json(await c.get("/api/ops/ai-usage"))).data.evaluation_count).toBe(2);
  });

  it("ends a run admitted but never created (the isolate died in between) as lost, in words", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const id = `unborn_${crypto.randomUUID().slice(0, 8)}`;
    const at = new Date(Date.now() - 60_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, requested_by, provider, queued_at, updated_at)
       VALUES (?, ?, ?, 'queued', 'agent-1', 'rules', ?, ?)`,
    ).bind(id, leadId, site.siteId, at, at).run();
    expect((await json(await c.get(`/api/ops/ai-workflows/${id}`))).data.status).toBe("queued");
    const term = await c.post(`/api/ops/ai-workflows/${id}/terminate`);
    expect(term.status).toBe(409);
    const body = await json(term);
    expect(body.error).toBe("NotRunning");
    expect(body.message).toMatch(/never started/);
    const after = (await json(await c.get(`/api/ops/ai-workflows/${id}`))).data;
    expect(after.status).toBe("errored");
  });
});
