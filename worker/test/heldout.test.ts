/**
 * The held-out corpus (tests/heldout/: fpdf2, Typst and PyMuPDF Story documents the reading was
 * never tuned on) through the worker's own document reading: every born-digital file must read as
 * its ground truth says, each forged file must raise its expected signal, and no clean file may be
 * flagged medium or high. No known-gaps list: the Python reading passes all of it
 * (tests/unit/corpus/test_heldout.py), and the port must too.
 */
import { describe, expect, it } from "vitest";
import { inspectDocument } from "../src/documents/inspect";
import { detectSignals } from "../src/documents/signals";
import { inlinedBytes, readFacts, same } from "./corpus-facts";
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
const bytesOf = (rel: string): Uint8Array => inlinedBytes(inlined, "../../tests/heldout", rel);

const FIELDS: Record<string, string[]> = {
  // the worker's pay stub facts carry no period (its reading does: test/layout.test.ts compares it)
  paystub: ["gross", "net", "deductions", "ytd_gross", "pay_date", "pay_frequency", "employer", "name"],
  bank_statement: ["closing_balance", "opening_balance", "period_start", "period_end", "name"],
  employment_letter: ["employer", "name", "annual_salary"],
};
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
      const got = readFacts(doc);
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
