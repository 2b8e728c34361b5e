/**
 * What the corpus tests (corpus.test.ts, heldout.test.ts) share: turning an inlined file back into
 * bytes, and comparing what the worker read with a corpus's expected.json, field by field, by the
 * same rules as bench/documents.py (amounts to the cent, names as sets of words, the rest as text).
 */
import type { DocumentFacts } from "../src/documents/inspect";

/** Vite inlines each corpus file as a base64 data URL (each test's own `import.meta.glob`, since
 * Vite needs a literal pattern): the bytes reach workerd without any file access. */
export function inlinedBytes(inlined: Record<string, string>, root: string, rel: string): Uint8Array {
  const url = inlined[`${root}/${rel}`];
  if (!url) throw new Error(`${rel} is not in the glob of ${root}`);
  const bin = atob(url.slice(url.indexOf(",") + 1));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const AMOUNTS = new Set(["gross", "net", "deductions", "ytd_gross", "closing_balance", "opening_balance", "annual_salary"]);

const words = (v: string) =>
  v.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim().split(" ").sort().join(" ");

export function same(field: string, want: unknown, got: unknown): boolean {
  if (got === null || got === undefined) return false;
  if (AMOUNTS.has(field)) return Math.abs(Number(got) - Number(want)) < 0.005;
  if (field === "name" || field === "employer") return words(String(got)) === words(String(want));
  return String(got).trim().toLowerCase() === String(want).trim().toLowerCase();
}

/** What the worker read, under the corpus's field names. */
export function readFacts(doc: DocumentFacts): Record<string, unknown> {
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
