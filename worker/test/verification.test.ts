/**
 * Forged figures verify nothing and unread key figures are named, as in screening/verification.py:
 * a pay stub with a medium or high authenticity signal does not verify income; a known document whose
 * key figure could not be read gets key_fact_unread; "No document signals" is never said over an
 * unreadable document.
 */
import { describe, expect, it } from "vitest";
import { buildFacts, type LeadSnapshot } from "../src/ai/rules";
import { detectSignals } from "../src/documents/signals";
import { inspectDocument } from "../src/documents/inspect";
import { POLICY, score, type Signal } from "../src/scoring";
import { parseAndScore } from "../src/workflow/steps";

const lead: LeadSnapshot = {
  id: "lead_v", site_id: "site_v", first_name: "Priya", last_name: "Raman", email: "p@example.com", phone: "1", current_address: "x",
  employment_status: "employed", employer: "ACME", employment_start_date: "2022-01-01", monthly_income: 6000, monthly_rent: 1500,
  move_in_date: "2026-12-01", policy_profile: "default",
};
const today = new Date("2026-11-25");

async function textDoc(name: string, type: string, text: string) {
  return inspectDocument({ id: name, file_name: name, file_type: type, r2_key: `leads/lead_v/${name}`, sha256: "", mime_type: "text/plain" },
    new TextEncoder().encode(text));
}

const STUB = "EARNINGS STATEMENT\nEmployee: Priya Raman\nPay Date: 2026-10-17\nGross Pay: $3,000.00\nDeductions: $700.00\nNet Pay: $2,300.00\nPay Frequency: Bi-weekly";

describe("verification", () => {
  it("a pay stub with a high authenticity signal verifies no income", async () => {
    const stub = await textDoc("paystub_march.txt", "paystub", STUB);
    const clean = buildFacts(lead, [stub], today).facts;
    expect(clean.verified_monthly_income).toBe(6500);
    const forged: Signal[] = [{ code: "incremental_revision", severity: "high", document: "paystub_march.txt", evidence: "edited", message: "" }];
    const facts = buildFacts(lead, [stub], today, forged).facts;
    expect(facts.verified_monthly_income).toBeNull();
    expect(facts.employer_verified).toBe(false);
    expect(facts.verification_notes).toEqual(["paystub_march.txt verifies nothing: incremental_revision (high)."]);
    const income = score(facts, forged, POLICY, "default").factors.find((f) => f.code === "income_verification")!;
    expect(income.points).toBeLessThan(income.max_points);
    expect(income.explanation).toContain("verifies nothing");
    // a situation signal (stated income above the documents) does not stop the stub from verifying
    const situation: Signal[] = [{ code: "income_mismatch", severity: "high", document: "paystub_march.txt", evidence: "", message: "" }];
    expect(buildFacts(lead, [stub], today, situation).facts.verified_monthly_income).toBe(6500);
  });

  it("names a pay stub whose gross pay could not be read", async () => {
    const stub = await textDoc("paystub_march.txt", "paystub", "PAY STUB\nEmployee: Priya Raman\nPay Date: 2026-10-17\nSee attached page.");
    const signals = detectSignals([stub], {});
    expect(signals.map((s) => [s.code, s.severity])).toEqual([["key_fact_unread", "low"]]);
    expect(signals[0].evidence).toContain("Could not read the gross pay, net pay on paystub_march.txt");
    const facts = buildFacts(lead, [stub], today, signals).facts;
    const r = score(facts, signals, POLICY, "default");
    expect(r.factors.find((f) => f.code === "document_authenticity")!.explanation).not.toBe("No document signals.");
    expect(r.factors.find((f) => f.code === "income_verification")!.explanation).toContain("Could not read the gross pay");
  });

  it("does not say 'No document signals' over a document that could not be read", async () => {
    const stub = await textDoc("stub.txt", "paystub", STUB);
    const all = score(buildFacts(lead, [stub], today).facts, [], POLICY, "default");
    expect(all.factors.find((f) => f.code === "document_authenticity")!.explanation).toBe("No document signals.");
    const facts = { ...buildFacts(lead, [stub], today).facts, documents_unreadable: 1 };
    const r = score(facts, [], POLICY, "default");
    expect(r.factors.find((f) => f.code === "document_authenticity")!.explanation)
      .toMatch(/^No document signals in the documents that could be read; 1 document\(s\) could not be read/);
  });
});

describe("model answers over a forged document", () => {
  it("cannot verify the income the forged document shows", async () => {
    const stub = await textDoc("paystub_march.txt", "paystub", STUB);
    const forged: Signal[] = [{ code: "incremental_revision", severity: "high", document: "paystub_march.txt", evidence: "edited", message: "" }];
    const docs = { documents: [stub], signals: forged, fingerprint: "", hashes: [], skipped: 0 };
    const answer = { provider: "workers-ai", model_version: "m", raw: '{"facts": {"verified_monthly_income": 9000, "average_bank_balance": 50000, "employment_months": 40}}' };
    const draft = parseAndScore(lead, docs, answer, today);
    expect(draft.facts.verified_monthly_income).toBeNull();
    expect(draft.facts.average_bank_balance).toBeNull();
    expect(draft.facts.employment_months).toBe(40);
    const clean = parseAndScore(lead, { ...docs, signals: [] }, answer, today);
    expect(clean.facts.verified_monthly_income).toBe(9000);
  });
});
