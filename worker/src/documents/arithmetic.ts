/**
 * Figures that must add up (same rules as screening/signals/paystubs.py and bank.py):
 * year-to-date gross across consecutive pay stubs, and bank statement balances (summary totals
 * when both are printed; running balances row by row).
 */
import type { Signal } from "../scoring";
import type { DocumentFacts } from "./inspect";

const CENT = 0.015;
const YTD_TOLERANCE = 1;
const money = (x: number) => `${x < 0 ? "-" : ""}$${Math.abs(x).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function ytdDiscontinuity(docs: DocumentFacts[]): Signal[] {
  const stubs = docs
    .filter((d) => d.pay_stub && d.pay_stub.ytd_gross !== null && d.pay_stub.gross !== null && d.pay_stub.pay_date)
    .sort((a, b) => String(a.pay_stub!.pay_date).localeCompare(String(b.pay_stub!.pay_date)));
  const out: Signal[] = [];
  for (let i = 1; i < stubs.length; i++) {
    const [pd, cd] = [stubs[i - 1], stubs[i]];
    const [prev, cur] = [pd.pay_stub!, cd.pay_stub!];
    if (prev.pay_date!.slice(0, 4) !== cur.pay_date!.slice(0, 4)) continue;
    if (pd.employer && cd.employer && pd.employer.trim().toLowerCase() !== cd.employer.trim().toLowerCase()) continue;
    const expected = round2(prev.ytd_gross! + cur.gross!);
    const gap = (Date.parse(cur.pay_date!) - Date.parse(prev.pay_date!)) / 86_400_000;
    const consecutive = gap <= 35;
    const off = round2(cur.ytd_gross! - expected);
    if (consecutive && Math.abs(off) <= YTD_TOLERANCE) continue;
    if (!consecutive && cur.ytd_gross! + YTD_TOLERANCE >= expected) continue;
    out.push({
      code: "ytd_discontinuity", severity: Math.abs(off) > 0.1 * cur.gross! ? "high" : "medium", document: cd.file_name,
      evidence: `Year-to-date gross ${money(prev.ytd_gross!)} on ${pd.file_name} + gross ${money(cur.gross!)} = ${money(expected)}, but ${cd.file_name} shows ${money(cur.ytd_gross!)}.`,
      message: "The year-to-date totals of consecutive pay stubs do not add up.",
    });
  }
  return out;
}

export function bankBalanceMismatch(doc: DocumentFacts): Signal[] {
  const st = doc.bank_statement;
  if (!st) return [];
  const problems: string[] = [...(st.continuity_breaks ?? [])];
  const { opening_balance: open, closing_balance: close, total_deposits: dep, total_withdrawals: wd } = st;
  if (open !== null && close !== null && dep !== null && wd !== null) {
    const expected = round2(open + dep - Math.abs(wd));
    if (Math.abs(expected - close) > CENT) {
      problems.push(`Opening ${money(open)} + deposits ${money(dep)} − withdrawals ${money(Math.abs(wd))} = ${money(expected)}, but the closing balance is ${money(close)}.`);
    }
  }
  // Statements without a balance column cannot be checked row by row.
  if (open !== null && st.transactions.length && st.transactions.every((t) => t[2] !== null)) {
    let previous = open;
    for (const [desc, amount, bal] of st.transactions) {
      const balance = bal as number;
      const expected = round2(previous + amount);
      if (Math.abs(expected - balance) > CENT) {
        problems.push(`Row "${desc}": ${money(previous)} ${amount >= 0 ? "+" : "−"} ${money(Math.abs(amount))} = ${money(expected)}, but the balance shows ${money(balance)}.`);
      }
      previous = balance;
    }
    const last = st.transactions[st.transactions.length - 1][2] as number;
    if (close !== null && Math.abs(last - close) > CENT) {
      problems.push(`The last running balance is ${money(last)} but the closing balance is ${money(close)}.`);
    }
  }
  if (!problems.length) return [];
  return [{
    code: "bank_balance_mismatch", severity: "high", document: doc.file_name, evidence: problems.slice(0, 3).join(" "),
    message: "The statement's balances do not add up; ask for a statement directly from the bank.",
  }];
}
