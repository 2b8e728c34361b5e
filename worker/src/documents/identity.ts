/**
 * Content-level checks against the application (same rules as screening/signals/identity.py and
 * income.py): the name on a document vs the applicant, and stated vs documented income.
 */
import type { Signal } from "../scoring";
import type { DocumentFacts } from "./inspect";

const TITLES = new Set(["mr", "mrs", "ms", "mx", "dr", "miss", "jr", "sr", "ii", "iii"]);
const TOLERANCE = 0.1;
const HIGH_GAP = 0.25;

export function nameTokens(name: string): string[] {
  let text = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  if (text.includes(",")) {
    const [last, ...rest] = text.split(",");
    text = `${rest.join(",")} ${last}`;
  }
  return text.replace(/['’]/g, "").split(/[^a-z0-9]+/).filter((t) => t && !TITLES.has(t));
}

/** [first name matches, last name matches], tolerant of case, accents, initials, "Last, First". */
export function nameMatch(first: string, last: string, onDocument: string): [boolean, boolean] {
  const doc = nameTokens(onDocument);
  const f = nameTokens(first);
  const l = nameTokens(last);
  const lastOk = l.length > 0 && l.some((t) => doc.includes(t));
  const firstOk = f.length > 0 && doc.some((t) => t === f[0] || (t.length === 1 && t === f[0][0]) || (f[0].length === 1 && t[0] === f[0]));
  return [firstOk, lastOk];
}

export interface Applicant {
  first_name: string | null;
  last_name: string | null;
  monthly_income: number | null;
  employment_status?: string | null;
}

export function nameMismatch(lead: Applicant, docs: DocumentFacts[]): Signal[] {
  const first = (lead.first_name ?? "").trim();
  const last = (lead.last_name ?? "").trim();
  if (!first && !last) return [];
  const out: Signal[] = [];
  for (const d of docs) {
    if (!d.name_on_document) continue;
    const [f, l] = nameMatch(first, last, d.name_on_document);
    if (f && l) continue;
    out.push({
      code: "name_mismatch", severity: f || l ? "medium" : "high", document: d.file_name,
      evidence: `The ${d.kind.replace(/_/g, " ")} names "${d.name_on_document}"; the applicant is "${`${first} ${last}`.trim()}".`,
      message: "The document appears to belong to someone else.",
    });
  }
  return out;
}

const money = (x: number) => `${x < 0 ? "-" : ""}$${Math.abs(x).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;

export function documentIncome(docs: DocumentFacts[]): [number | null, DocumentFacts[], string] {
  for (const [kind, what] of [["paystub", "pay stubs"], ["employment_letter", "employment letter"]]) {
    const used = docs.filter((d) => d.kind === kind && d.monthly_income_estimate && !d.error);
    if (used.length) {
      const mean = used.reduce((n, d) => n + (d.monthly_income_estimate ?? 0), 0) / used.length;
      return [Math.round(mean * 100) / 100, used, what];
    }
  }
  return [null, [], ""];
}

export function incomeMismatch(lead: Applicant, docs: DocumentFacts[]): Signal[] {
  const stated = lead.monthly_income;
  const [supported, used, what] = documentIncome(docs);
  if (!stated || !supported) return [];
  const ratio = (stated - supported) / supported;
  if (Math.abs(ratio) <= TOLERANCE) return [];
  const names = used.map((d) => d.file_name).join(", ");
  if (ratio > 0) {
    return [{
      code: "income_mismatch", severity: ratio > HIGH_GAP ? "high" : "medium", document: names,
      evidence: `Application states ${money(stated)}/month; the ${what} support ${money(supported)}/month (gross); stated is ${Math.round(ratio * 100)} % higher.`,
      message: "The stated income is not supported by the documents.",
    }];
  }
  return [{
    code: "income_mismatch", severity: "low", document: names,
    evidence: `Application states ${money(stated)}/month; the ${what} support ${money(supported)}/month; stated is ${Math.round(-ratio * 100)} % lower.`,
    message: "The applicant understated their income (not a risk in itself).",
  }];
}

const STUDENT_MAX = 4000;
const PART_TIME_MAX = 5000;
const ENTRY_ROLE_MAX = 6000;
const PART_TIME_RX = /\bpart[- ]time\b/i;
const ENTRY_ROLE_RX = new RegExp(
  String.raw`\b(?:barista|cashier|dishwasher|busser|host(?:ess)?|crew\s+member|retail\s+associate` +
    String.raw`|sales\s+associate|stock\s+clerk|delivery\s+(?:driver|rider)|teaching\s+assistant|tutor` +
    String.raw`|intern|camp\s+counsell?or|lifeguard)\b`,
  "i",
);

/** Income far above what the stated situation (student, part-time, entry role) usually pays. */
export function implausibleIncome(lead: Applicant, docs: DocumentFacts[]): Signal[] {
  const [supported, , what] = documentIncome(docs);
  const figures: [number, string][] = [];
  if (lead.monthly_income) figures.push([lead.monthly_income, "stated"]);
  if (supported) figures.push([supported, what]);
  if (!figures.length) return [];
  const [income, source] = figures.reduce((a, b) => (b[0] > a[0] ? b : a));
  // Role words only from pay stubs and letters: a bank statement's "CASHIER'S CHEQUE" is no job.
  const text = docs.filter((d) => d.kind === "paystub" || d.kind === "employment_letter").map((d) => d.text.slice(0, 4000)).join(" ");
  const status = (lead.employment_status ?? "").toLowerCase();
  const role = ENTRY_ROLE_RX.exec(text);
  let situation: [string, number] | null = null;
  if (status === "student") situation = ["employment status 'student'", STUDENT_MAX];
  else if (PART_TIME_RX.test(text)) situation = ["a part-time position (per the documents)", PART_TIME_MAX];
  else if (role) situation = [`the role '${role[0]}' (per the documents)`, ENTRY_ROLE_MAX];
  if (!situation || income <= situation[1]) return [];
  const [whatIs, cap] = situation;
  return [{
    code: "implausible_income", severity: income > 2 * cap ? "high" : "medium", document: null,
    evidence: `${money(income)}/month (${source}) for ${whatIs}; more than ${money(cap)}/month would be unusual.`,
    message: "The income looks too good to be true for the stated situation; verify with the employer.",
  }];
}
