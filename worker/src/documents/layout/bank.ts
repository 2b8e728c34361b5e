/**
 * Bank-statement facts from lines and cells (port of layout/bank.py): summary balances and
 * totals, the statement period, and the transaction table (Date | Description | Withdrawals |
 * Deposits | Balance, or one signed Amount column), across pages, with balances carried forward.
 */
import { addressName, fullName } from "./heads";
import type { Cell, Line } from "./lines";
import { findAmount, findDatesAfter, findText, splitLabel, type Found } from "./pairing";
import { compact, datesIn, daysBetween, findAmounts, findDates, fold, MONTH_NAMES, uncamel } from "./text";
import * as vocab from "./vocab";

const INCOME = /payroll|salary|directdep|wages|pension|paie|salaire|depotdirect|paycheque|paycheck|employer/;
const INCOME_WORD = /\b(?:pay|dd|ei)\b/i;
const ASSISTANCE = /ontarioworks|odsp|ontworks|socialassistance|disabilitysupport|aidesociale|solidaritesociale/;
const TOTALS = ["total", "subtotal", "soustotal", "totaux"];
const MONEY_ROLES = ["debit", "credit", "amount", "balance"];
const DAY_RE = new RegExp(String.raw`^\s*(?:\d{1,2}[/-]\d{1,2}|(?:${MONTH_NAMES})\.?\s*\d{1,2}|\d{1,2}\s*(?:${MONTH_NAMES})\.?)\s+(?=\S)`, "i");
const EXPLICIT = /\+|(?<![a-z])cr(?![a-z])/;

interface Column { role: string; x0: number; x1: number }

export type Transaction = [string, number, number | null];

export interface BankReading {
  opening_balance: number | null;
  closing_balance: number | null;
  total_deposits: number | null;
  total_withdrawals: number | null;
  period_start: string | null;
  period_end: string | null;
  transactions: Transaction[];
  continuity_breaks: string[];
  recurring_income_monthly: number | null;
  assistance_monthly: number | null;
  holder: string | null;
}

const fmt = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function readBank(lines: readonly Line[]): BankReading {
  const amount = (labels: readonly string[]) => {
    const found = findAmount(lines, labels);
    return found && typeof found.value === "number" ? found.value : null;
  };
  const deposits = amount(vocab.TOTAL_DEPOSITS);
  const withdrawals = amount(vocab.TOTAL_WITHDRAWALS);
  const st: BankReading = {
    opening_balance: amount(vocab.OPENING), closing_balance: amount(vocab.CLOSING),
    total_deposits: deposits !== null ? Math.abs(deposits) : null,
    total_withdrawals: withdrawals !== null ? Math.abs(withdrawals) : null,
    period_start: null, period_end: null, transactions: [], continuity_breaks: [],
    recurring_income_monthly: null, assistance_monthly: null, holder: null,
  };
  const found = period(lines);
  if (found && Array.isArray(found.value)) [st.period_start, st.period_end] = [found.value[0], found.value[1]];
  [st.transactions, st.continuity_breaks] = transactions(lines, st.opening_balance);
  const lastRow = st.transactions[st.transactions.length - 1];
  if (st.closing_balance === null && lastRow && lastRow[2] !== null) st.closing_balance = lastRow[2];
  let months = 1;
  const span = daysBetween(st.period_start, st.period_end);
  if (span !== null && span > 0) months = Math.max(Math.round((span + 1) / 30.4), 1);
  const income = st.transactions.filter(([d, a]) => a > 0 && isIncome(d)).reduce((n, [, a]) => n + a, 0);
  const assistance = st.transactions.filter(([d, a]) => a > 0 && ASSISTANCE.test(compact(d))).reduce((n, [, a]) => n + a, 0);
  st.recurring_income_monthly = income ? Math.round((income / months) * 100) / 100 : null;
  st.assistance_monthly = assistance ? Math.round((assistance / months) * 100) / 100 : null;
  const holder = findText(lines, vocab.HOLDER, vocab.STOPS, fullName) ?? addressName(lines);
  if (holder && typeof holder.value === "string") st.holder = holder.value;
  return st;
}

function isIncome(desc: string): boolean {
  const key = compact(desc);
  return (INCOME.test(key) || INCOME_WORD.test(desc)) && !ASSISTANCE.test(key);
}

function period(lines: readonly Line[]): Found | null {
  const found = findDatesAfter(lines, vocab.STATEMENT_PERIOD);
  if (found && Array.isArray(found.value) && found.value.length >= 2) return found;
  for (const line of lines.slice(0, 30)) {
    const dates = datesIn(line.text);
    if (dates.length === 2 && dates[0] < dates[1] && !findAmounts(line.text).length) {
      return { value: dates, label: line.cells[0], cell: line.cells[0], how: "same line" };
    }
  }
  return null;
}

function colRole(key: string): string | null {
  for (const [role, names] of vocab.COLUMNS) {
    if (names.includes(key) || names.some((n) => key.startsWith(n) && n.length > 4)) return role;
  }
  return null;
}

function header(line: Line): Column[] | null {
  const cols: Column[] = [];
  for (const cell of line.cells) {
    const role = colRole(cell.key);
    if (role) cols.push({ role, x0: cell.x0, x1: cell.x1 });
  }
  const roles = new Set(cols.map((c) => c.role));
  return roles.has("date") && ["amount", "balance", "debit", "credit"].some((r) => roles.has(r)) ? cols : null;
}

function roles(cols: Column[], cells: Cell[]): (string | null)[] {
  const money = cols.filter((c) => MONEY_ROLES.includes(c.role)).sort((a, b) => a.x0 - b.x0);
  const out = cells.map((cell) => {
    const over = money.filter((c) => Math.min(c.x1, cell.x1 + 2) - Math.max(c.x0, cell.x0 - 2) > 0);
    return over.length === 1 ? over[0].role : null;
  });
  if (!out.includes(null) && new Set(out).size === out.length) return out;
  if (cells.length <= 2 && !money.some((c) => c.role === "debit" || c.role === "credit")) {
    const tail = cells.length ? money.map((c) => c.role).slice(-cells.length) : [];
    return [...Array<null>(cells.length - tail.length).fill(null), ...tail];
  }
  return out;
}

function textColumn(cols: Column[], cell: Cell): string | null {
  const over = cols.filter((c) => Math.min(c.x1, cell.x1) - Math.max(c.x0, cell.x0) > 0);
  return over.length === 1 ? over[0].role : null;
}

interface Row { desc: string[]; page: number; bottom: number; amount: number | null; balance: number | null; signed: boolean }

function transactions(lines: readonly Line[], opening: number | null): [Transaction[], string[]] {
  const rows: Row[] = [];
  const breaks: string[] = [];
  let cols: Column[] | null = null;
  let last: Row | null = null;
  let now: [number, number] | null = null;
  for (const line of lines) {
    const head = header(line);
    if (head !== null) {
      [cols, last] = [head, null];
      continue;
    }
    if (cols === null) continue;
    const [carried, kind] = carry(line);
    if (carried !== null && kind === "opening" && rows.length) continue;
    if (carried !== null) {
      if (now !== null && Math.abs(now[0] - carried) > 0.015) {
        const where = line.page > now[1] ? `page ${line.page + 1} starts from` : "carried forward";
        breaks.push(`Balance ${where} ${fmt(carried)}, but the balance before it (page ${now[1] + 1}) is ${fmt(now[0])}.`);
      }
      [now, last] = [[carried, line.page], null];
      continue;
    }
    const row = readRow(line, cols);
    if (row !== null) {
      rows.push(row);
      last = row;
      if (row.balance !== null) now = [row.balance, line.page];
    } else if (last !== null && !findAmounts(line.text).length && line.page === last.page && line.top - last.bottom < 1.5 * line.height) {
      last.desc.push(line.text);
      last.bottom = line.bottom;
    } else last = null;
  }
  return [signed(rows, opening), breaks];
}

function carry(line: Line): [number | null, string] {
  const text = line.cells.find((c) => !c.amountOnly && !datesIn(c.text).length)?.text ?? "";
  const kind = text && splitLabel(text, vocab.CARRIED) !== null ? "carried"
    : text && splitLabel(text, vocab.OPENING) !== null ? "opening" : "";
  const found = kind ? findAmounts(line.text) : [];
  return found.length ? [found[found.length - 1][0], kind] : [null, ""];
}

function readRow(line: Line, cols: Column[]): Row | null {
  const row: Row = { desc: [], page: line.page, bottom: line.bottom, amount: null, balance: null, signed: true };
  const money: [Cell, number][] = [];
  for (const cell of line.cells.flatMap((c) => c.pieces())) {
    const found = findAmounts(cell.text);
    const dates = findDates(cell.text);
    if (found.length && !dates.length) money.push([cell, found[found.length - 1][0]]);
    else if (textColumn(cols, cell) !== "date") {
      const text = dates.length ? cell.text.slice(dates[dates.length - 1][2]) : cell.text;
      if (text.trim()) row.desc.push(text.trim());
    }
  }
  const rs = roles(cols, money.map(([c]) => c));
  money.forEach(([cell, value], k) => {
    const role = rs[k];
    if (role === "balance") row.balance = value;
    else if (role === "debit" || role === "credit" || role === "amount") {
      row.amount = role === "debit" ? -Math.abs(value) : role === "credit" ? Math.abs(value) : value;
      row.signed = role !== "amount" || value < 0 || EXPLICIT.test(fold(cell.text));
    }
  });
  if (row.amount === null) return null;
  if (row.desc.length) {
    const day = DAY_RE.exec(fold(row.desc[0]));
    if (day) row.desc[0] = row.desc[0].slice(day[0].length);
  }
  const first = row.desc[0] ?? "";
  if (TOTALS.some((t) => compact(first).startsWith(t)) || splitLabel(first, [...vocab.CARRIED, ...vocab.OPENING, ...vocab.CLOSING])) return null;
  return row;
}

function signed(rows: Row[], opening: number | null): Transaction[] {
  const out: Transaction[] = [];
  let previous = opening;
  for (const row of rows) {
    let amount = row.amount!;
    if (!row.signed && row.balance !== null && previous !== null &&
      Math.abs(previous - amount - row.balance) < Math.abs(previous + amount - row.balance)) amount = -amount;
    out.push([row.desc.join(" ").trim(), Math.round(amount * 100) / 100, row.balance]);
    previous = row.balance !== null ? row.balance : previous === null ? null : previous + amount;
  }
  return out;
}
