/**
 * The held-out corpus (tests/heldout/: fpdf2, Typst and PyMuPDF Story documents the reading was
 * never tuned on) through the worker's own document reading: every born-digital file must read as
 * its ground truth says, each forged file must raise its expected signal, and no clean file may be
 * flagged medium or high. No known-gaps list: the Python reading passes all of it
 * (tests/unit/corpus/test_heldout.py), and the port must too.
 */
import { describe, expect, it } from "vitest";
import { inspectDocument, type DocumentFacts } from "../src/documents/inspect";
import { detectSignals } from "../src/documents/signals";
import heldout from "../../tests/heldout/expected.json";

interface Entry {
  path: string;
  family: string;
  medium: string;
  declared_type: string;
  lead: { first_name: string; last_name: string; employer: string | null; monthly_income: number | null };
  facts: Record<string, unknown>;
  clean: boolean;
  expected_signals: string[];
}

const inlined = import.meta.glob("../../tests/heldout/files/{paystubs,bank,letters}/*.pdf", {
  eager: true, query: "?inline", import: "default",
}) as Record<string, string>;
const bytesOf = (rel: string): Uint8Array => {
  const url = inlined[`../../tests/heldout/${rel}`];
  if (!url) throw new Error(`${rel} is not in the held-out glob`);
  const bin = atob(url.slice(url.indexOf(",") + 1));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

const FIELDS: Record<string, string[]> = {
  // the worker's pay stub facts carry no period (its reading does: test/layout.test.ts compares it)
  paystub: ["gross", "net", "deductions", "ytd_gross", "pay_date", "pay_frequency", "employer", "name"],
  bank_statement: ["closing_balance", "opening_balance", "period_start", "period_end", "name"],
  employment_letter: ["employer", "name", "annual_salary"],
};
const AMOUNTS = new Set(["gross", "net", "deductions", "ytd_gross", "closing_balance", "opening_balance", "annual_salary"]);

const words = (v: string) =>
  v.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim().split(" ").sort().join(" ");

function same(field: string, want: unknown, got: unknown): boolean {
  if (got === null || got === undefined) return false;
  if (AMOUNTS.has(field)) return Math.abs(Number(got) - Number(want)) < 0.005;
  if (field === "name" || field === "employer") return words(String(got)) === words(String(want));
  return String(got).trim().toLowerCase() === String(want).trim().toLowerCase();
}

function read(doc: DocumentFacts): Record<string, unknown> {
  const stub = (doc.pay_stub ?? null) as Record<string, unknown> | null;
  const bank = (doc.bank_statement ?? null) as Record<string, unknown> | null;
  return {
    gross: stub?.gross, net: stub?.net, deductions: stub?.deductions, ytd_gross: stub?.ytd_gross,
    pay_date: stub?.pay_date, pay_frequency: stub?.pay_frequency,
    period_start: bank?.period_start, period_end: bank?.period_end,
    employer: doc.employer, name: doc.name_on_document, closing_balance: bank?.closing_balance,
    opening_balance: bank?.opening_balance, annual_salary: doc.stated_annual_salary,
  };
}

const RAISES = new Set(["medium", "high"]);
const entries = (heldout.entries as Entry[]).filter((e) => e.medium === "digital");

describe("held-out corpus through the worker's document reading", () => {
  it("reads every born-digital file, catches every forgery, flags no clean file", async () => {
    expect(entries.length).toBeGreaterThanOrEqual(12);
    const misses: string[] = [];
    for (const e of entries) {
      const doc = await inspectDocument(
        { id: "file", file_name: e.path, file_type: e.declared_type, r2_key: e.path, sha256: "", mime_type: null },
        bytesOf(e.path),
      );
      const lead = { first_name: e.lead.first_name, last_name: e.lead.last_name, monthly_income: e.lead.monthly_income,
        employment_status: e.lead.employer ? "employed" : null };
      const signals = detectSignals([doc], {}, lead).filter((s) => s.document === e.path);
      const got = read(doc);
      for (const f of FIELDS[e.family] ?? []) {
        if (!same(f, e.facts[f], got[f])) misses.push(`${e.path}#${f}=${JSON.stringify(got[f])}`);
      }
      for (const code of e.expected_signals) {
        if (!signals.some((s) => s.code === code && RAISES.has(s.severity))) misses.push(`${e.path}!missed:${code}`);
      }
      if (e.clean) for (const s of signals.filter((x) => RAISES.has(x.severity))) misses.push(`${e.path}!false_flag:${s.code}`);
    }
    expect(misses).toEqual([]);
  });
});
