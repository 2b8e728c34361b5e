/**
 * The worker and the desktop app name every code the same way: both read resources/spec/wording.json.
 * This side's drift check: every step, signal, factor (each policy profile), recommendation and
 * severity the worker can produce has a name there, and its agent-facing text goes through it.
 */
import { describe, expect, it } from "vitest";
import policy from "../../resources/policy/policy.json";
import { SPEC, WORKFLOW_STEPS } from "../src/spec";
import { factorName, recommendationName, signalName, stepTitle, WORDING } from "../src/wording";

const SOURCES = import.meta.glob("../src/**/*.ts", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

describe("the shared wording", () => {
  it("names every step, signal, recommendation and severity of the spec", () => {
    expect(Object.keys(WORDING.steps).sort()).toEqual([...WORKFLOW_STEPS].sort());
    expect(Object.keys(WORDING.signals).sort()).toEqual(Object.keys(SPEC.signals).sort());
    expect(Object.keys(WORDING.recommendations).sort()).toEqual([...SPEC.recommendations].sort());
    expect(Object.keys(WORDING.severities).sort()).toEqual([...SPEC.severities].sort());
    expect(Object.keys(WORDING.file_types).sort()).toEqual([...SPEC.file_types].sort());
    expect(Object.keys(WORDING.employment_statuses).sort()).toEqual([...SPEC.employment_statuses].sort());
  });

  it("names every factor of every policy profile", () => {
    const profiles = (policy as { profiles: Record<string, { factors: { code: string }[] }> }).profiles;
    for (const profile of Object.values(profiles)) {
      for (const f of profile.factors) expect(WORDING.factors[f.code], f.code).toBeTruthy();
    }
  });

  it("reads as plain words: no snake_case, no step ids", () => {
    const all = [...Object.values(WORDING.factors), ...Object.values(WORDING.signals),
      ...Object.values(WORDING.recommendations), ...WORKFLOW_STEPS.map((s) => stepTitle(s))];
    for (const text of all) {
      expect(text).not.toMatch(/\b[a-z]+(?:_[a-z]+)+\b/);
      for (const step of WORKFLOW_STEPS) expect(text).not.toContain(step);
    }
    expect(stepTitle("call-workers-ai")).toBe("Evaluate with Cloudflare Workers AI");
    expect(signalName("model_flag:odd_stamp")).toBe("The AI model noted: odd stamp");
    expect(factorName("income_verification")).toBe("Income verification");
    expect(recommendationName("approve_with_conditions")).toBe("Approve with conditions");
  });

  it("names the recommendation in the notification email, never its code", () => {
    const wf = SOURCES["../src/workflow/evaluation-workflow.ts"];
    expect(wf).toContain("recommendationName(r.recommendation)");
    expect(wf).not.toMatch(/\$\{r\.recommendation\}/);
  });
});
