/** The golden vectors of tests/vectors/ (shared with the Python suite) through the TS interpreter. */
import { describe, expect, it } from "vitest";
import { fmtMoney, fmtNum, POLICY, roundHalfUp, score, validatePolicy, type ApplicantFacts, type Signal } from "../src/scoring";

interface Vector {
  name: string;
  policy_version: string;
  profile: string;
  facts: ApplicantFacts;
  signals: Signal[];
  expected: {
    score: number; label: string; recommendation: string; factors: Record<string, number>;
    risk_flags: string[]; fraud_signals: string[];
  };
}

const files = import.meta.glob("../../tests/vectors/*.json", { eager: true, import: "default" }) as Record<string, Vector>;
const vectors = Object.values(files);

describe("golden vectors", () => {
  it("finds the shared vectors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });

  for (const v of vectors) {
    it(v.name, () => {
      expect(v.policy_version).toBe(POLICY.version);
      const r = score(v.facts, v.signals, POLICY, v.profile);
      expect(Object.fromEntries(r.factors.map((f) => [f.code, f.points]))).toEqual(v.expected.factors);
      expect(r.score).toBe(v.expected.score);
      expect(r.label).toBe(v.expected.label);
      expect(r.recommendation).toBe(v.expected.recommendation);
      expect(r.risk_flags).toEqual(v.expected.risk_flags);
      expect(r.fraud_signals).toEqual(v.expected.fraud_signals);
      for (const f of r.factors) if (f.points < f.max_points) expect(f.explanation).not.toBe("");
    });
  }
});

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
