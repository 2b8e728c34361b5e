/**
 * Layout-aware reading over positioned words (port of screening/documents/layout/__init__.py):
 * words → lines and cells → typed facts. Where the layout reads a field it wins over what the
 * plain-text rules (figures.ts) found; fields it leaves unread keep that value.
 */
import type { BankFacts, Figures, PayStub } from "../figures";
import type { PageWords } from "../words";
import { readBank } from "./bank";
import { findText } from "./pairing";
import { buildLines, type Line } from "./lines";
import { readLetter } from "./letter";
import { readPaystub } from "./paystub";
import { compact, DATE_ORDER, dateOrder, uncamel } from "./text";
import * as vocab from "./vocab";

export { buildLines } from "./lines";

/** The facts the layout reading fills (a subset of DocumentFacts). */
export interface LayoutFacts extends Figures {
  kind: string;
  declared_type: string;
  text: string;
  name_on_document?: string | null;
  metadata: Record<string, string>;
}

const PERIODS_PER_YEAR: Record<string, number> = { weekly: 52, biweekly: 26, semimonthly: 24, monthly: 12 };
const NAME_TAIL = /\s{2,}.*$|\s+(?:employee\s*(?:id|#|no\.?|number)|emp\.?\s*(?:id|no\.?)|id|sin|account|acct|dept|department)\b.*$/i;

export function cleanPersonName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let name = raw.replace(NAME_TAIL, "");
  name = name.replace(/^[ ,.;:]+|[ ,.;:]+$/g, "");
  if (!name || /\d/.test(name) || name.length > 80) return null;
  return name;
}

const person = (raw: string | null) => (raw ? cleanPersonName(uncamel(raw)) : null);

export function layoutText(lines: readonly Line[]): string {
  return lines.map((l) => l.text).join("\n");
}

/** Read a document's words into `facts`, in place. `classify` is the plain-text kind rule. */
export function readDocument(facts: LayoutFacts, pages: PageWords[], classify: (text: string, declared: string) => string): void {
  const lines = buildLines(pages);
  if (!lines.length) return;
  const text = layoutText(lines);
  facts.kind = kindOf(text, facts, classify);
  const order = DATE_ORDER.value;
  DATE_ORDER.value = dateOrder(text);
  try {
    if (facts.kind === "paystub") readStub(facts, lines);
    else if (facts.kind === "bank_statement") readStatement(facts, lines);
    else if (facts.kind === "employment_letter") readEmploymentLetter(facts, lines, text);
    else if (facts.kind === "government_id") {
      const found = findText(lines, vocab.ID_NAME, vocab.STOPS);
      if (found && typeof found.value === "string") facts.name_on_document = person(found.value) || facts.name_on_document;
    }
  } finally {
    DATE_ORDER.value = order;
  }
}

function kindOf(text: string, facts: LayoutFacts, classify: (text: string, declared: string) => string): string {
  const key = compact(text);
  const pay = vocab.PAYSTUB_WORDS.filter((w) => key.includes(w)).length;
  const bank = vocab.BANK_WORDS.filter((w) => key.includes(w)).length;
  if (pay >= 2 && pay >= bank) return "paystub";
  if (bank >= 2) return "bank_statement";
  if (vocab.LETTER_WORDS.some((w) => key.includes(w))) return "employment_letter";
  if (vocab.ID_WORDS.some((w) => key.includes(w))) return "government_id";
  if (["paystub", "bank_statement", "employment_letter"].includes(facts.kind) && facts.kind !== facts.declared_type) return facts.kind;
  return classify(text, facts.declared_type);
}

function readStub(facts: LayoutFacts, lines: readonly Line[]): void {
  const got = readPaystub(lines);
  const s = got.stub;
  const old = facts.pay_stub ?? null;
  const stub: PayStub = {
    gross: s.gross ?? old?.gross ?? null,
    deductions: s.deductions ?? old?.deductions ?? null,
    net: s.net ?? old?.net ?? null,
    ytd_gross: s.ytd_gross ?? old?.ytd_gross ?? null,
    pay_frequency: s.pay_frequency ?? old?.pay_frequency ?? null,
    pay_date: s.pay_date ?? old?.pay_date ?? null,
    period_start: s.period_start ?? old?.period_start ?? null,
    period_end: s.period_end ?? old?.period_end ?? null,
  };
  if (got.itemised && s.deductions !== null) facts.metadata.deductions_source = "itemised lines (no total printed)";
  if (Object.values(s).some((v) => v !== null)) facts.pay_stub = stub;
  facts.employer = s.employer || facts.employer;
  facts.name_on_document = person(got.employee) || facts.name_on_document;
  facts.withholdings = got.withholdings;
  const perYear = PERIODS_PER_YEAR[stub.pay_frequency ?? ""];
  const monthly = stub.gross !== null && perYear ? Math.round((stub.gross * perYear / 12) * 100) / 100 : null;
  facts.monthly_income_estimate = monthly || facts.monthly_income_estimate;
}

function readStatement(facts: LayoutFacts, lines: readonly Line[]): void {
  const got = readBank(lines);
  const old = facts.bank_statement ?? null;
  const st: BankFacts = {
    opening_balance: got.opening_balance ?? old?.opening_balance ?? null,
    closing_balance: got.closing_balance ?? old?.closing_balance ?? null,
    total_deposits: got.total_deposits ?? old?.total_deposits ?? null,
    total_withdrawals: got.total_withdrawals ?? old?.total_withdrawals ?? null,
    period_start: got.period_start ?? old?.period_start ?? null,
    period_end: got.period_end ?? old?.period_end ?? null,
    transactions: got.transactions.length ? got.transactions : old?.transactions ?? [],
    continuity_breaks: got.continuity_breaks,
    income_deposits: old?.income_deposits ?? 0,
    assistance_deposits: old?.assistance_deposits ?? 0,
    negative_balance_lines: old?.negative_balance_lines ?? 0,
    min_balance: old?.min_balance ?? null,
  };
  if (got.transactions.length) {
    const balances = got.transactions.map((t) => t[2]).filter((b): b is number => b !== null);
    st.negative_balance_lines = balances.filter((b) => b < 0).length;
    st.min_balance = balances.length ? Math.min(...balances) : st.min_balance;
  }
  if (st.transactions.length || st.opening_balance !== null || st.closing_balance !== null) facts.bank_statement = st;
  facts.name_on_document = person(got.holder) || facts.name_on_document;
  facts.monthly_income_estimate = got.recurring_income_monthly || facts.monthly_income_estimate;
  facts.public_assistance_monthly = got.assistance_monthly || facts.public_assistance_monthly;
}

function readEmploymentLetter(facts: LayoutFacts, lines: readonly Line[], text: string): void {
  const got = readLetter(lines, text);
  facts.name_on_document = person(got.name) || facts.name_on_document;
  facts.employer = got.employer || facts.employer;
  facts.stated_annual_salary = got.annual_salary || facts.stated_annual_salary;
  facts.employment_start = got.start || facts.employment_start;
  if (facts.stated_annual_salary) facts.monthly_income_estimate = Math.round((facts.stated_annual_salary / 12) * 100) / 100;
}
