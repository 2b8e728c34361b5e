/** The workflow under introspection: retries, errors, output, and its D1 progress records. */
import { env, introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { STEP_CONFIG } from "../src/workflow/evaluation-workflow";
import { WORKFLOW_STEPS } from "../src/spec";
import { ProgressRecorder } from "../src/workflow/progress";
import { client, createLead, createSite, json, uid, waitForRun } from "./helpers";
import { makePdf, paystubLines } from "./pdf-fixture";

async function createRun(site: { siteId: string }, leadId: string, instanceId: string) {
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, requested_by, queued_at, updated_at) VALUES (?, ?, ?, 'queued', 'u', ?, ?)",
  ).bind(instanceId, leadId, site.siteId, now, now).run();
}

describe("AiEvaluationWorkflow", () => {
  it("sets an explicit retry and timeout config on every step", () => {
    expect(Object.keys(STEP_CONFIG)).toEqual([...WORKFLOW_STEPS]);
    for (const cfg of Object.values(STEP_CONFIG)) {
      expect(cfg.retries.limit).toBeGreaterThanOrEqual(1);
      expect(cfg.retries.delay).toBeTruthy();
      expect(["constant", "linear", "exponential"]).toContain(cfg.retries.backoff);
      expect(cfg.timeout).toBeTruthy();
    }
  });

  it("completes with the evaluation as output; step results stay small", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    await client(site).upload(leadId, "stub.pdf", "paystub", await makePdf({ lines: paystubLines({ gross: 3000, deductions: 700, net: 2300 }) }));
    const id = uid("wf");
    await createRun(site, leadId, id);
    await using instance = await introspectWorkflowInstance(env.AI_WORKFLOW, id);
    await env.AI_WORKFLOW.create({ id, params: { leadId, siteId: site.siteId, userId: "u", force: false, reason: null } });
    await instance.waitForStatus("complete");
    const docs = (await instance.waitForStepResult({ name: "load-documents" })) as any;
    expect(JSON.stringify(docs).length).toBeLessThan(100_000);
    expect(docs.documents[0]).toMatchObject({ detected_format: "pdf", kind: "paystub", pages: 1, revisions: 1, error: null });
    expect(docs.documents[0].pay_stub).toMatchObject({ gross: 3000, deductions: 700, net: 2300, pay_frequency: "biweekly" });
    expect(JSON.stringify(docs)).not.toContain("%PDF");
    const output = (await instance.getOutput()) as any;
    expect(output).toMatchObject({ evaluation_id: `eval_${id}`, lead_id: leadId, provider: "rules", workflow_instance_id: id });
    const row = await env.DB.prepare("SELECT status, evaluation_id FROM ai_workflow_runs WHERE instance_id = ?").bind(id).first();
    expect(row).toEqual({ status: "complete", evaluation_id: `eval_${id}` });
  });

  it("retries a failing step and still completes", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await createRun(site, leadId, id);
    await using instance = await introspectWorkflowInstance(env.AI_WORKFLOW, id);
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "call-workers-ai" }, new Error("AI unavailable"), 2);
    });
    await env.AI_WORKFLOW.create({ id, params: { leadId, siteId: site.siteId, userId: "u", force: false, reason: null } });
    await instance.waitForStatus("complete");
    const out = (await instance.getOutput()) as any;
    expect(out.score).toBeGreaterThanOrEqual(0);
  });

  it("errors when a step keeps failing, and the status route says why", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await createRun(site, leadId, id);
    await using instance = await introspectWorkflowInstance(env.AI_WORKFLOW, id);
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "parse-ai-response" }, new Error("model said nonsense"));
    });
    await env.AI_WORKFLOW.create({ id, params: { leadId, siteId: site.siteId, userId: "u", force: false, reason: null } });
    await instance.waitForStatus("errored");
    const err = await instance.getError();
    expect(err.message).toContain("model said nonsense");
    const run = await waitForRun(client(site), id);
    expect(run.status).toBe("errored");
    expect(run.can_retry).toBe(true);
    expect(run.error.message).toContain("model said nonsense");
    expect(run.steps.slice(0, 3).every((s: any) => s.status === "complete")).toBe(true);
    expect(run.steps[4].status).toBe("pending");
    const logged = await env.DB.prepare("SELECT error_name, message FROM workflow_errors WHERE instance_id = ?").bind(id).first<any>();
    expect(logged.message).toContain("model said nonsense");
  });

  it("terminates a run that is waiting to retry, then retries it as a new run", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    await using intro = await introspectWorkflow(env.AI_WORKFLOW);
    // The AI step fails; its 5-second retry delay keeps the instance alive long enough to stop it.
    await intro.modifyAll(async (m) => {
      await m.mockStepError({ name: "call-workers-ai" }, new Error("AI unavailable"));
    });
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    const deadline = Date.now() + 10_000;
    let snap: any;
    do {
      snap = (await json(await c.get(`/api/ops/ai-workflows/${id}`))).data;
      if (snap.steps[1].status === "complete") break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expect(snap.status).toBe("running");
    const term = await c.post(`/api/ops/ai-workflows/${id}/terminate`);
    expect(term.status).toBe(200);
    const after = (await json(term)).data;
    expect(after.status).toBe("terminated");
    expect(after.can_retry).toBe(true);
    expect(after.error.name).toBe("Terminated");
    // Terminated runs do not block the lead.
    await intro.dispose();
    const retry = await c.post(`/api/ops/ai-workflows/${id}/retry`);
    expect(retry.status).toBe(202);
    expect((await waitForRun(c, (await json(retry)).data.instance_id)).status).toBe("complete");
  });

  it("fails fetch-lead non-retryably for a lead that is not in the site, recording one attempt", async () => {
    const site = await createSite();
    const id = uid("wf");
    await createRun(site, "lead_missing", id);
    await using instance = await introspectWorkflowInstance(env.AI_WORKFLOW, id);
    await env.AI_WORKFLOW.create({ id, params: { leadId: "lead_missing", siteId: site.siteId, userId: "u", force: false, reason: null } });
    await instance.waitForStatus("errored");
    const step = await env.DB.prepare("SELECT status, attempts, error FROM ai_workflow_steps WHERE instance_id = ? AND name = 'fetch-lead'").bind(id).first<any>();
    expect(step).toMatchObject({ status: "errored", attempts: 1 });
    expect(step.error).toContain("lead_missing");
    const run = (await json(await client(site).get(`/api/ops/ai-workflows/${id}`))).data;
    expect(run.steps[0]).toMatchObject({ name: "fetch-lead", status: "errored", attempts: 1 });
  });

  it("treats missing document bytes as a signal, not a crash", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const file = (await json(await c.upload(leadId, "gone.pdf", "paystub", await makePdf({ lines: ["x"] })))).data;
    await env.R2_PRIVATE.delete(file.r2Key);
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    const run = await waitForRun(c, id);
    expect(run.status).toBe("complete");
    expect(run.output.signals.map((s: any) => s.code)).toContain("document_unreadable");
    expect(run.output.facts.documents_unreadable).toBe(1);
  });
});

describe("ProgressRecorder", () => {
  it("counts attempts, marks retrying then errored, and closes the run", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await createRun(site, leadId, id);
    const p = new ProgressRecorder(env.DB, id);
    expect(await p.attemptStarted("call-workers-ai")).toBe(1);
    await p.attemptFailed("call-workers-ai", new Error("HTTP 503"), false);
    let row = await env.DB.prepare("SELECT * FROM ai_workflow_steps WHERE instance_id = ?").bind(id).first<any>();
    expect(row).toMatchObject({ status: "retrying", attempts: 1, error: "HTTP 503" });
    expect(await p.attemptStarted("call-workers-ai")).toBe(2);
    await p.attemptFailed("call-workers-ai", new Error("HTTP 503 again"), true);
    row = await env.DB.prepare("SELECT * FROM ai_workflow_steps WHERE instance_id = ?").bind(id).first<any>();
    expect(row).toMatchObject({ status: "errored", attempts: 2, error: "HTTP 503 again" });
    expect(row.ended_at).toBeTruthy();
    await p.runFailed(leadId, site.siteId, new Error("HTTP 503 again"));
    const run = await env.DB.prepare("SELECT status, error_message, current_step FROM ai_workflow_runs WHERE instance_id = ?").bind(id).first<any>();
    expect(run).toEqual({ status: "errored", error_message: "HTTP 503 again", current_step: null });
  });
});

describe("byte-level signals through the workflow", () => {
  it("flags editing software, date mismatch, incremental revisions and reuse across applicants", async () => {
    const site = await createSite();
    const c = client(site);
    const other = await createLead(site);
    const leadId = await createLead(site);
    const edited = await makePdf({
      lines: paystubLines({ gross: 2600, deductions: 600, net: 2400 }), producer: "Adobe Photoshop 25.0",
      creationDate: "D:20260901090000Z", modDate: "D:20261020120000Z",
      updates: [{ producer: "Sejda PDF Editor", modDate: "D:20261021120000Z" }],
    });
    await c.upload(other, "stub.pdf", "paystub", edited);
    await c.upload(leadId, "my-stub.pdf", "paystub", edited);
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    const ev = (await waitForRun(c, id)).output;
    const codes = ev.signals.map((s: any) => `${s.code}:${s.severity}`);
    expect(codes).toEqual(expect.arrayContaining([
      "editing_software:high", "date_mismatch:medium", "incremental_revision:low", "file_reused:high", "paystub_arithmetic:high",
    ]));
    expect(ev.signals[0].severity).toBe("high");
    expect(ev.recommendation).toBe("reject"); // two or more high signals
    expect(ev.fraud_signals).toEqual(expect.arrayContaining(["editing_software", "file_reused", "paystub_arithmetic"]));
    const reuse = ev.signals.find((s: any) => s.code === "file_reused");
    expect(reuse.evidence).toContain(other);
  });
});
