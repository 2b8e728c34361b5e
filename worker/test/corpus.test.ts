/**
 * The independent document corpus (tests/corpus/, also read by bench/documents.py) through the
 * worker's own document reading: every born-digital file, the same expected facts and signal codes
 * as the Python side. What the worker does not read yet is listed in corpus-known-gaps.json and
 * counted; a miss not on that list fails, and so does a listed gap that now passes (remove it), so
 * the list only shrinks. The expectations themselves are never relaxed here. Each file's signal
 * codes and severities are also compared with what the desktop app raises on it
 * (corpus-python-signals.json, written by `scripts/layout_shared.py --corpus`).
 */
import { describe, expect, it } from "vitest";
import { inspectDocument } from "../src/documents/inspect";
import { detectSignals } from "../src/documents/signals";
import { inlinedBytes, readFacts, same } from "./corpus-facts";
import corpus from "../../tests/corpus/expected.json";
import knownGaps from "./corpus-known-gaps.json";
import python from "./corpus-python-signals.json";

interface Entry {
  path: string;
  family: string;
  medium: string;
  tool: string;
  declared_type: string;
  lead: { first_name: string; last_name: string; employer: string | null; monthly_income: number | null };
  companions: string[];
  facts: Record<string, unknown>;
  clean: boolean;
  forgery: string | null;
  expected_signals: string[];
}

// Vite inlines each PDF as a base64 data URL: the bytes reach workerd without any file access.
const inlined = import.meta.glob("../../tests/corpus/files/{paystubs,bank,letters}/*.pdf", {
  eager: true, query: "?inline", import: "default",
}) as Record<string, string>;
const bytesOf = (rel: string): Uint8Array => inlinedBytes(inlined, "../../tests/corpus", rel);

const FIELDS: Record<string, string[]> = {
  paystub: ["gross", "net", "pay_date", "pay_frequency", "employer", "name"],
  bank_statement: ["closing_balance", "period_start", "period_end", "name"],
  employment_letter: ["employer", "name", "annual_salary"],
};

const inspect = (rel: string, declared: string, id: string) =>
  inspectDocument({ id, file_name: rel, file_type: declared, r2_key: rel, sha256: "", mime_type: null }, bytesOf(rel));

const RAISES = new Set(["medium", "high"]);
const entries = (corpus.entries as Entry[]).filter((e) => e.medium === "digital");

describe("independent corpus through the worker's document reading", () => {
  it("reads the born-digital corpus; every miss is a listed known gap", async () => {
    expect(entries.length).toBeGreaterThanOrEqual(80);
    const misses: string[] = [];
    let asPython = 0;
    let withText = 0, fields = 0, fieldsOk = 0, forged = 0, caught = 0, clean = 0, flagged = 0;
    for (const e of entries) {
      const docs = await Promise.all(e.companions.map((c, i) => inspect(c, e.declared_type, `companion_${i}`)));
      const doc = await inspect(e.path, e.declared_type, "file");
      docs.push(doc);
      if (doc.text.trim()) withText++;
      const lead = { first_name: e.lead.first_name, last_name: e.lead.last_name, monthly_income: e.lead.monthly_income,
        employment_status: e.lead.employer ? "employed" : null };
      const signals = detectSignals(docs, {}, lead).filter((s) => s.document === e.path);
      const raised = signals.filter((s) => RAISES.has(s.severity));
      const got = readFacts(doc);
      for (const f of FIELDS[e.family] ?? []) {
        if (!(f in e.facts)) continue;
        fields++;
        if (same(f, e.facts[f], got[f])) fieldsOk++;
        else misses.push(`${e.path}#${f}`);
      }
      // The same signal codes and severities as the desktop app on this file.
      const mine = [...new Set(signals.map((s) => `${s.code}:${s.severity}`))].sort();
      const theirs = (python.files as Record<string, string[]>)[e.path];
      if (theirs && JSON.stringify(mine) === JSON.stringify(theirs)) asPython++;
      else misses.push(`${e.path}!not_as_python`);
      for (const code of e.expected_signals) {
        if (!signals.some((s) => s.code === code)) misses.push(`${e.path}!missed:${code}`);
      }
      if (e.clean) {
        clean++;
        if (raised.length) flagged++;
        for (const s of raised) misses.push(`${e.path}!false_flag:${s.code}`);
      } else {
        forged++;
        if (raised.length) caught++;
      }
    }
    const gaps = new Set<string>(knownGaps.gaps as string[]);
    const fresh = misses.filter((m) => !gaps.has(m));
    const stale = [...gaps].filter((g) => !misses.includes(g));
    console.log(
      `corpus (worker, ${entries.length} born-digital files, text from ${withText}): facts ${fieldsOk}/${fields} ` +
      `(${(fieldsOk / fields).toFixed(3)}), forgeries caught ${caught}/${forged}, clean files flagged ` +
      `${flagged}/${clean}; signals as the desktop app's ${asPython}/${entries.length}; known gaps ${gaps.size}`,
    );
    if (fresh.length) console.log(`CORPUS_NEW_MISSES ${JSON.stringify(fresh)}`);
    // To shrink the list: run this test and take the "gaps" from this line (every miss, sorted).
    if (stale.length) console.log(`CORPUS_MISSES ${JSON.stringify(misses.sort())}`);
    expect(fresh, "new misses (fix the reading; list them in corpus-known-gaps.json only if they are accepted gaps)").toEqual([]);
    expect(stale, "listed gaps that now pass: remove them from corpus-known-gaps.json").toEqual([]);
  });
});
