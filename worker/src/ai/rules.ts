/**
 * The built-in `rules` provider (deterministic, offline): facts from the application and the parsed
 * documents, documents winning for what they verify. Mirrors screening/providers/rules.py.
 * Names and the applicant's free-text message are never read.
 */
import type { DocumentFacts } from "../documents/inspect";
import type { ApplicantFacts, Signal } from "../scoring";

export const RULES_VERSION = "rules-1";
const PERIODS_PER_YEAR: Record<string, number> = { weekly: 52, biweekly: 26, semimonthly: 24, monthly: 12 };
const DAYS_PER_MONTH = 30.4375;
export const APPLICATION_FIELDS = [
  "first_name", "last_name", "email", "phone", "current_address", "employment_status", "monthly_income", "move_in_date",
] as const;

export interface LeadSnapshot {
  id: string;
  site_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  current_address: string | null;
  employment_status: string | null;
  employer: string | null;
  employment_start_date: string | null;
  monthly_income: number | null;
  monthly_rent: number | null;
  move_in_date: string | null;
  policy_profile: string;
  region?: string | null; // the property's province/state
}

/** Errors that leave a document usable (a .pdf that is really a JPEG is still read). */
const usable = (d: DocumentFacts) => d.error === null || d.error === "mislabelled";
const kindOf = (d: DocumentFacts) => (d.kind !== "other" ? d.kind : d.declared_type);
const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);

function asDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value.slice(0, 10) + "T00:00:00Z");
  return Number.isFinite(t) ? t : null;
}

export function monthsBetween(start: number, end: number): number {
  return Math.max(Math.round(((end - start) / 86_400_000 / DAYS_PER_MONTH) * 10) / 10, 0);
}

function stubMonthly(d: DocumentFacts): number | null {
  const s = d.pay_stub;
  if (!s || s.gross === null || s.gross <= 0) return null;
  const periods = PERIODS_PER_YEAR[(s.pay_frequency ?? "").toLowerCase()];
  if (periods === undefined) return d.monthly_income_estimate ?? null;
  return (s.gross * periods) / 12;
}

export function verifiedIncome(docs: DocumentFacts[]): [number | null, string] {
  const stubs = docs.filter((d) => kindOf(d) === "paystub").map(stubMonthly).filter((x): x is number => Boolean(x));
  if (stubs.length) return [mean(stubs), `${stubs.length} pay stub(s)`];
  const letters = docs.filter((d) => d.stated_annual_salary).map((d) => (d.stated_annual_salary as number) / 12);
  if (letters.length) return [mean(letters), "employment letter"];
  const bank = docs.map((d) => d.bank_statement?.income_deposits ?? 0).filter((x) => x > 0);
  if (bank.length) return [mean(bank), "bank deposits"];
  const other = docs.map((d) => d.monthly_income_estimate ?? 0).filter((x) => x > 0);
  if (other.length) return [mean(other), "document estimate"];
  return [null, ""];
}

function bankFigures(docs: DocumentFacts[]): [number | null, number | null] {
  const averages: number[] = [];
  let negatives: number | null = null;
  for (const d of docs) {
    const st = d.bank_statement;
    if (!st) continue;
    let balances = (st.transactions ?? []).map((t) => t[2]).filter((b): b is number => b !== null);
    if (!balances.length) balances = [st.opening_balance, st.closing_balance].filter((b): b is number => b !== null);
    if (!balances.length) continue;
    averages.push(balances.reduce((a, b) => a + b, 0) / balances.length);
    negatives = (negatives ?? 0) + balances.filter((b) => b < 0).length;
  }
  return [mean(averages), negatives];
}

export function applicationCompleteness(lead: LeadSnapshot): number {
  let filled = 0;
  for (const f of APPLICATION_FIELDS) {
    const v = lead[f];
    if (v !== null && v !== undefined && v !== "") filled++;
  }
  return Math.round((filled / APPLICATION_FIELDS.length) * 10000) / 10000;
}

/**
 * Signals about the applicant's situation or readability, not about a document being genuine: they
 * do not stop its figures from counting. Mirrors NOT_AUTHENTICITY in screening/verification.py.
 */
export const NOT_AUTHENTICITY = new Set([
  "document_unreadable", "document_encrypted", "document_empty", "document_oversized", "unsupported_format",
  "document_mislabelled", "income_mismatch", "implausible_income", "employer_mismatch", "key_fact_unread",
]);

/** File name → its medium/high authenticity signals: such a document verifies nothing. */
export function doubtful(docs: DocumentFacts[], signals: Signal[]): Map<string, string[]> {
  const names = new Set(docs.map((d) => d.file_name));
  const out = new Map<string, string[]>();
  for (const s of signals) {
    if (!["medium", "high"].includes(s.severity) || NOT_AUTHENTICITY.has(s.code)) continue;
    for (const name of (s.document ?? "").split(",").map((n) => n.trim()).filter(Boolean)) {
      if (names.has(name)) out.set(name, [...(out.get(name) ?? []), `${s.code} (${s.severity})`]);
    }
  }
  return out;
}

/** What a pay stub, statement or employment letter should show but could not be read. */
export function unreadKeyFacts(d: DocumentFacts): string[] {
  if (d.error !== null && d.error !== "mislabelled") return [];
  const kind = kindOf(d);
  const out: string[] = [];
  if (kind === "paystub") {
    if (!d.pay_stub?.gross) out.push("gross pay");
    if (!d.pay_stub?.net) out.push("net pay");
  } else if (kind === "bank_statement") {
    const st = d.bank_statement;
    const any = st && (st.closing_balance != null || st.opening_balance != null || (st.transactions ?? []).some((t) => t[2] != null));
    if (!any) out.push("balance");
  } else if (kind === "employment_letter" && !d.employer) {
    out.push("employer");
  }
  return out;
}

export function buildFacts(
  lead: LeadSnapshot, docs: DocumentFacts[], today: Date, signals: Signal[] = [],
): { facts: ApplicantFacts; incomeSource: string } {
  const usableDocs = docs.filter(usable);
  const bad = doubtful(usableDocs, signals);
  const notes: string[] = [];
  for (const d of usableDocs) {
    const why = bad.get(d.file_name);
    if (why) notes.push(`${d.file_name} verifies nothing: ${[...new Set(why)].join(", ")}.`);
    const missing = unreadKeyFacts(d);
    if (!why && missing.length) notes.push(`Could not read the ${missing.join(", ")} on ${d.file_name}.`);
  }
  const ok = usableDocs.filter((d) => !bad.has(d.file_name)); // forged figures verify nothing
  const [income, incomeSource] = verifiedIncome(ok);
  const assistance = Math.max(0, ...ok.map((d) => d.public_assistance_monthly ?? 0)) || null;
  const letterStart = ok.filter((d) => kindOf(d) === "employment_letter").map((d) => asDate(d.employment_start)).find((x) => x !== null);
  const start = letterStart ?? asDate(lead.employment_start_date);
  const status = (lead.employment_status ?? "").trim().toLowerCase() || null;
  const months = start !== null && start !== undefined && status !== "unemployed" ? monthsBetween(start, today.getTime()) : null;
  const kinds = [...new Set(usableDocs.map(kindOf))].sort();
  if (assistance) kinds.push("public_assistance");
  const [balance, negatives] = bankFigures(ok);
  return {
    facts: {
      stated_monthly_income: lead.monthly_income,
      verified_monthly_income: income,
      public_assistance_monthly: assistance,
      monthly_rent: lead.monthly_rent,
      employment_status: status,
      employment_months: months,
      employer_verified: ok.some((d) => d.employer && ["paystub", "employment_letter"].includes(kindOf(d))),
      documents_present: kinds,
      documents_unreadable: docs.length - usableDocs.length,
      average_bank_balance: balance,
      negative_balance_days: negatives,
      application_fields_complete: applicationCompleteness(lead),
      verification_notes: notes,
    },
    incomeSource,
  };
}

const money = (x: number | null | undefined) => (x === null || x === undefined ? "unknown" : `$${Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`);

/** A neutral summary of what was found (the policy judges, not this text). */
export function describe(facts: ApplicantFacts, docs: DocumentFacts[], signals: Signal[], incomeSource: string): string {
  const parts = [`Stated income ${money(facts.stated_monthly_income)}/month`];
  parts.push(facts.verified_monthly_income != null
    ? `verified ${money(facts.verified_monthly_income)}/month from ${incomeSource}`
    : "no income verified by documents");
  if (facts.public_assistance_monthly) parts.push(`public assistance ${money(facts.public_assistance_monthly)}/month`);
  parts.push(`rent ${money(facts.monthly_rent)}/month`);
  let text = `${parts.join("; ")}. ${docs.length} document(s)`;
  if (facts.documents_unreadable) text += `, ${facts.documents_unreadable} unreadable`;
  if (facts.documents_present?.length) text += ` (${facts.documents_present.join(", ")})`;
  text += ".";
  if (facts.employment_months != null) text += ` ${facts.employment_months} months with the current employer.`;
  const serious = signals.filter((s) => s.severity === "medium" || s.severity === "high");
  if (signals.length) text += ` ${signals.length} document signal(s), ${serious.length} medium or high.`;
  if (facts.verification_notes?.length) text += ` ${facts.verification_notes.join(" ")}`;
  return text;
}
