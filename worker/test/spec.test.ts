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
import { MODEL_SIGNAL_CODES, nextStatus, SPEC, STEP_CONFIG, WORKFLOW_STEPS } from "../src/spec";
import { createLead, createSite, uid } from "./helpers";

const SOURCES = import.meta.glob("../src/**/*.ts", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;
const WORKFLOW_SOURCE = SOURCES["../src/workflow/evaluation-workflow.ts"];

/** [code, literal severities (empty when computed), where] for every signal the sources build. */
function emittedSignals(): [string, string[], string][] {
  const out: [string, string[], string][] = [];
  const sevs = (expr: string) => [...expr.matchAll(/"(low|medium|high)"/g)].map((m) => m[1]);
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
  });

  it("has every lead status the SQL writes, and the transitions the Workflow makes", () => {
    const written: string[] = [];
    for (const text of Object.values(SOURCES)) {
      for (const m of text.matchAll(/UPDATE leads SET[^`"]*/g)) written.push(...[...m[0].matchAll(/'([a-z_]+)'/g)].map((x) => x[1]));
    }
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((s) => !SPEC.lead_statuses.some((x) => x.name === s))).toEqual([]);
    expect(nextStatus("documents_received", "evaluation_started")).toBe("ai_evaluating");
    expect(nextStatus("ai_evaluating", "evaluation_completed")).toBe("ai_evaluated");
    expect(nextStatus("approved", "documents_added")).toBeNull();
    expect(() => nextStatus("new", "teleported")).toThrow(/not in the spec/);
  });
});
