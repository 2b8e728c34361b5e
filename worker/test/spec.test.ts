/**
 * The worker agrees with the shared spec (resources/spec/workflow.json), which the Python app reads
 * too: the Workflow runs exactly its steps with its configs, and every signal code, severity and lead
 * status the sources can produce is in it. Sources are read as text (static, so a path no test
 * reaches is still checked).
 */
import { env, introspectWorkflowInstance } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import policy from "../../resources/policy/policy.json";
import { SYSTEM_PROMPT } from "../src/ai/providers";
import { leadTransition, MODEL_SIGNAL_CODES, nextStatus, SPEC, STEP_CONFIG, WORKFLOW_STEPS } from "../src/spec";
import { client, createLead, createSite, json, uid, waitForRun } from "./helpers";

const SOURCES = import.meta.glob("../src/**/*.ts", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;
const WORKFLOW_SOURCE = SOURCES["../src/workflow/evaluation-workflow.ts"];

/** [code, literal severities (empty when computed), where] for every signal the sources build. */
function emittedSignals(): [string, string[], string][] {
  const out: [string, string[], string][] = [];
  // The severities an expression can give: a literal, or the two results of `cond ? "a" : "b"`.
  const sevs = (expr: string) => {
    const bare = /^\s*"([a-z]+)"\s*$/.exec(expr);
    if (bare) return [bare[1]];
    return [...expr.matchAll(/\?\s*"([a-z]+)"\s*:\s*"([a-z]+)"/g)].flatMap((m) => [m[1], m[2]]);
  };
  for (const [file, text] of Object.entries(SOURCES)) {
    // sig("code", <severity>, …)
    for (const m of text.matchAll(/\bsig\(\s*"([a-z_]+)",\s*([^,]+),/g)) out.push([m[1], sevs(m[2]), file]);
    // { code: "code", severity: <expr>, … }
    for (const m of text.matchAll(/code: "([a-z_]+)", severity: ([^,]+),/g)) out.push([m[1], sevs(m[2]), file]);
    // ["code", "severity", "message"] tables (read errors)
    for (const m of text.matchAll(/\[\s*"([a-z_]+)",\s*"(low|medium|high)",/g)) {
      if (!(SPEC.severities as string[]).includes(m[1])) out.push([m[1], [m[2]], file]);
    }
  }
  return out;
}

describe("the shared spec", () => {
  it("gives the Workflow its step names and configs (delays and timeouts in ms)", () => {
    expect(Object.keys(STEP_CONFIG)).toEqual(SPEC.workflow.steps.map((s) => s.name));
    expect(WORKFLOW_STEPS).toHaveLength(7);
    for (const s of SPEC.workflow.steps) {
      expect(STEP_CONFIG[s.name]).toEqual({
        retries: { limit: s.retries.limit, delay: s.retries.delay_ms, backoff: s.retries.backoff }, timeout: s.timeout_ms,
      });
    }
  });

  it("names every step the Workflow source runs, in order, and no other", () => {
    const called = [...WORKFLOW_SOURCE.matchAll(/tracked(?:<[^>]*>)?\("([a-z-]+)"/g)].map((m) => m[1]);
    expect(called).toEqual([...WORKFLOW_STEPS]);
    expect(WORKFLOW_SOURCE).not.toMatch(/step\.do\("/); // every step goes through `tracked` (and so STEP_CONFIG)
  });

  it("runs exactly the spec's steps, each recorded once in D1", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await using instance = await introspectWorkflowInstance(env.AI_WORKFLOW, id);
    await env.AI_WORKFLOW.create({ id, params: { leadId, siteId: site.siteId, userId: "u", force: false, reason: null } });
    await instance.waitForStatus("complete");
    const { results } = await env.DB.prepare("SELECT name FROM ai_workflow_steps WHERE instance_id = ? ORDER BY started_at, rowid")
      .bind(id).all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual([...WORKFLOW_STEPS]);
  });

  it("has every signal code and severity the document checks can emit", () => {
    const found = emittedSignals();
    expect(new Set(found.map(([c]) => c)).size).toBeGreaterThanOrEqual(12); // the scanner still finds them
    const wrong = found.filter(([code, sevs]) => !(code in SPEC.signals) || sevs.some((s) => !SPEC.signals[code].severities.includes(s as never)));
    expect(wrong).toEqual([]);
  });

  it("offers the model the spec's codes, capped at its severity", () => {
    for (const code of MODEL_SIGNAL_CODES) expect(SYSTEM_PROMPT).toContain(code);
    expect(SYSTEM_PROMPT).toContain(`"severity": "low|${SPEC.model_max_severity}"`);
  });

  it("agrees with the policy on labels and on which signals are about readability", () => {
    expect(policy.labels.map((l) => l.label)).toEqual(SPEC.labels.current);
    const readability = Object.entries(SPEC.signals).filter(([, s]) => s.readability).map(([c]) => c);
    expect([...policy.readability_codes].sort()).toEqual(readability.sort());
    const made = Object.values(policy.profiles).flatMap((p) => p.recommendation_rules.map((r) => r.recommendation));
    expect(made.filter((r) => !SPEC.recommendations.includes(r))).toEqual([]);
  });

  it("writes lead statuses only through the spec's transition table", () => {
    // Every `UPDATE leads SET …` outside spec.ts must leave `status` alone; spec.ts's one statement
    // takes its status from the table, never from a literal.
    const offenders: string[] = [];
    for (const [file, text] of Object.entries(SOURCES)) {
      for (const m of text.matchAll(/UPDATE leads SET[^`"]*/g)) {
        const literal = /status\s*=\s*'/.test(m[0]);
        if (literal || (!file.endsWith("/spec.ts") && /\bstatus\s*=/.test(m[0].split(" WHERE ")[0]))) offenders.push(`${file}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
    for (const event of ["documents_added", "evaluation_completed"]) {
      expect(Object.values(SOURCES).some((t) => t.includes(`leadTransition(`) && t.includes(`"${event}"`))).toBe(true);
    }
    expect(nextStatus("documents_received", "evaluation_started")).toBe("ai_evaluating");
    expect(nextStatus("ai_evaluating", "evaluation_completed")).toBe("ai_evaluated");
    expect(nextStatus("approved", "documents_added")).toBeNull();
    expect(() => nextStatus("new", "teleported")).toThrow(/not in the spec/);
  });
});

describe("lead status transitions on D1", () => {
  async function statusOf(id: string): Promise<string> {
    return String((await env.DB.prepare("SELECT status FROM leads WHERE id = ?").bind(id).first<{ status: string }>())!.status);
  }

  it("moves a lead only from the event's `from` statuses and refuses an illegal transition", async () => {
    const site = await createSite();
    const fresh = await createLead(site, { status: "new" });
    const decided = await createLead(site, { status: "approved" });
    const now = new Date().toISOString();
    const moved = await leadTransition(env.DB, "documents_added", { id: fresh, siteId: site.siteId }, now).run();
    expect(moved.meta.changes).toBe(1);
    expect(await statusOf(fresh)).toBe("documents_received");
    for (const event of ["documents_added", "evaluation_completed", "evaluation_started"]) {
      const refused = await leadTransition(env.DB, event, { id: decided, siteId: site.siteId }, now).run();
      expect(refused.meta.changes).toBe(0);
    }
    expect(await statusOf(decided)).toBe("approved");
    // another site's lead is never touched
    const other = await createSite();
    expect((await leadTransition(env.DB, "documents_added", { id: fresh, siteId: other.siteId }, now).run()).meta.changes).toBe(0);
    expect(() => leadTransition(env.DB, "teleported", { id: fresh, siteId: site.siteId }, now)).toThrow(/not in the spec/);
  });

  it("an evaluation finishing on an approved lead records the score but does not undo the decision", async () => {
    const site = await createSite();
    const leadId = await createLead(site, { status: "approved", monthly_income: 5600 });
    const up = await client(site).upload(leadId, "late.txt", "paystub", new TextEncoder().encode("Gross Pay: $2,000.00"));
    expect(up.status).toBe(201);
    expect(await statusOf(leadId)).toBe("approved");
    const c = client(site);
    const started = await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, { force_refresh: false, reason: null }));
    const run = await waitForRun(c, started.data.instance_id);
    expect(run.status).toBe("complete");
    const lead = (await json(await c.get(`/api/ops/leads/${leadId}`))).data;
    expect(lead).toMatchObject({ aiScore: run.output.score, status: "approved" });
  });
});

