/**
 * The golden vectors of resources/policy/vectors.json (one file, shared with the Python suite)
 * through the TS interpreter, each vector its own test named after it. The version comes from the policy: a vector states `policy_version` only when it
 * tests versioning, so a rule change edits only the vectors whose numbers move.
 */
import { describe, expect, it } from "vitest";
import vectorsJson from "../../resources/policy/vectors.json";
import { profileForRegion } from "../src/notes";
import { fmtMoney, fmtNum, POLICY, roundHalfUp, score, validatePolicy, type ApplicantFacts, type Signal } from "../src/scoring";

interface Vector {
  name: string;
  policy_version?: string;
  profile: string;
  region?: string;
  facts: ApplicantFacts;
  signals: Signal[];
  expected: {
    score: number; label: string; recommendation: string; factors: Record<string, number>;
    risk_flags: string[]; fraud_signals: string[];
  };
}

// Bundled at build time like policy.json; the cast is the Vector shape this file checks.
const vectors = (vectorsJson as unknown as { vectors: Vector[] }).vectors;

describe("golden vectors", () => {
  it("finds the shared vectors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });

  it("the list is not empty and every name is unique (each name is a test)", () => {
    expect(vectors.length).toBeGreaterThan(0);
    const names = vectors.map((v) => v.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  for (const v of vectors) {
    it(v.name, () => checkVector(v, POLICY));
  }

  it("a version bump needs no vector edit, and no vector repeats the version", () => {
    const bumped = { ...POLICY, version: `${POLICY.version}9` };
    for (const v of vectors) {
      expect(v.policy_version, v.name).toBeUndefined();
      checkVector(v, bumped);
    }
  });

  it("a vector that states another version fails", () => {
    expect(() => checkVector({ ...vectors[0], policy_version: "1999.1.1" }, POLICY)).toThrow();
  });
});

function checkVector(v: Vector, policy: typeof POLICY): void {
  if (v.policy_version !== undefined) expect(v.policy_version).toBe(policy.version);
  if (v.region !== undefined) expect(profileForRegion(policy, v.region)).toBe(v.profile);
  const r = score(v.facts, v.signals, policy, v.profile);
  expect(Object.fromEntries(r.factors.map((f) => [f.code, f.points]))).toEqual(v.expected.factors);
  expect(r.score).toBe(v.expected.score);
  expect(r.label).toBe(v.expected.label);
  expect(r.recommendation).toBe(v.expected.recommendation);
  expect(r.risk_flags).toEqual(v.expected.risk_flags);
  expect(r.fraud_signals).toEqual(v.expected.fraud_signals);
  expect(r.policy_version).toBe(policy.version);
  expect(r.compliance_notes[0]).toContain(`policy ${policy.version}.`);
  for (const f of r.factors) if (f.points < f.max_points) expect(f.explanation).not.toBe("");
}

describe("policy interpreter details", () => {
  it("rounds half up and formats like Python", () => {
    expect(roundHalfUp(2.5)).toBe(3);
    expect(roundHalfUp(0.05, 1)).toBe(0.1);
    expect(fmtNum(7.0)).toBe("7");
    expect(fmtNum(7.25)).toBe("7.3");
    expect(fmtMoney(1234567.4)).toBe("$1,234,567");
    expect(fmtMoney(-0.2)).toBe("$0");
  });

  it("refuses a broken policy with a clear message", () => {
    expect(() => validatePolicy({ ...POLICY, schema: 2 })).toThrow(/schema 2 is not supported/);
    expect(() => validatePolicy({ ...POLICY, profiles: {} })).toThrow(/default/);
  });

  it("refuses an unknown profile", () => {
    expect(() => score({}, [], POLICY, "mars")).toThrow(/unknown policy profile 'mars'/);
  });

  it("explains what would change and never invents a score", () => {
    const r = score({ monthly_rent: 2000, stated_monthly_income: 4000, application_fields_complete: 1 }, []);
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.what_would_change.length).toBeGreaterThan(0);
    expect(r.compliance_notes[0]).toContain(POLICY.version);
  });
});

describe("compliance notes say what the profile did", () => {
  const odsp: ApplicantFacts = {
    monthly_rent: 1100, stated_monthly_income: 1400, public_assistance_monthly: 1400, employment_status: "unemployed",
    documents_present: ["bank_statement", "government_id", "public_assistance"], average_bank_balance: 1500,
    negative_balance_days: 0, application_fields_complete: 1,
  };

  it("Ontario counts public assistance as income and applies no cut-off", () => {
    const r = score(odsp, [], POLICY, "ontario");
    expect(r.compliance_notes[0]).toBe(`Scored with the Ontario profile of policy ${POLICY.version}.`);
    expect(r.compliance_notes).toContain("Public assistance of $1,400/month was counted as income.");
    expect(r.compliance_notes).toContain("No rent-to-income cut-off was applied: the income ratio alone could not lead to a reject.");
    expect(r.compliance_notes.join(" ")).not.toMatch(/not counted|as such/);
  });

  it("default says the assistance was not counted, and what its cut-off did", () => {
    const r = score(odsp, [], POLICY, "default");
    expect(r.compliance_notes[0]).toBe(`Scored with the Default profile of policy ${POLICY.version}.`);
    expect(r.compliance_notes.some((n) => n.includes("$1,400/month was found in the documents but was not counted as income"))).toBe(true);
    expect(r.compliance_notes.some((n) => n.startsWith("This profile rejects above 50 % rent-to-income"))).toBe(true);
    const over = score({ ...odsp, public_assistance_monthly: null, verified_monthly_income: 2000, monthly_rent: 1200,
      employment_status: "employed", employment_months: 30, employer_verified: true,
      documents_present: ["paystub", "bank_statement", "employment_letter", "government_id"] }, [], POLICY, "default");
    expect(over.compliance_notes.some((n) => /^(The rent-to-income cut-off was applied: rent is 60 %|Rent is 60 % of income)/.test(n))).toBe(true);
  });

  it("the property's province chooses the profile", () => {
    expect(profileForRegion(POLICY, "ON")).toBe("ontario");
    expect(profileForRegion(POLICY, " ontario ")).toBe("ontario");
    expect(profileForRegion(POLICY, "BC")).toBe("default");
    expect(profileForRegion(POLICY, null)).toBe("default");
  });
});
