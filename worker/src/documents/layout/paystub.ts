/** Pay-stub facts from lines and cells (port of layout/paystub.py). */
import type { Line } from "./lines";
import { addressName, fullName, letterhead } from "./heads";
import { amountAt, findAmount, findDatesAfter, findText, splitLabel, type Found } from "./pairing";
import { compact, daysBetween } from "./text";
import * as vocab from "./vocab";
import { readWithholdings } from "./withholding";
import type { Withholding } from "../figures";

const FREQ_WORDS: [string, string[]][] = [
  ["biweekly", ["biweekly", "everytwoweeks", "fortnightly", "auxdeuxsemaines", "bihebdomadaire", "auxquinzejours"]],
  ["semimonthly", ["semimonthly", "twiceamonth", "bimensuel", "semimensuel", "deuxfoisparmois"]],
  ["weekly", ["weekly", "hebdomadaire", "chaquesemaine"]],
  ["monthly", ["monthly", "mensuel", "mensuelle", "chaquemois"]],
];

export interface StubFacts {
  gross: number | null;
  net: number | null;
  ytd_gross: number | null;
  deductions: number | null;
  pay_date: string | null;
  period_start: string | null;
  period_end: string | null;
  pay_frequency: string | null;
  employer: string | null;
}

export interface StubReading {
  stub: StubFacts;
  employee: string | null;
  itemised: boolean;
  withholdings: Withholding[];
}

const num = (v: Found | null) => (v && typeof v.value === "number" ? Math.abs(v.value) : null);

export function readPaystub(lines: readonly Line[]): StubReading {
  const stub: StubFacts = {
    gross: num(findAmount(lines, vocab.GROSS)),
    net: num(findAmount(lines, vocab.NET)),
    ytd_gross: num(findAmount(lines, vocab.GROSS, true)),
    deductions: num(findAmount(lines, vocab.TOTAL_DEDUCTIONS)),
    pay_date: null, period_start: null, period_end: null, pay_frequency: null, employer: null,
  };
  let itemised = false;
  if (stub.deductions === null) {
    const parts = itemisedDeductions(lines);
    if (parts.length) [stub.deductions, itemised] = [Math.round(parts.reduce((a, b) => a + b, 0) * 100) / 100, true];
  }
  const payDate = findDatesAfter(lines, vocab.PAY_DATE);
  stub.pay_date = payDate && Array.isArray(payDate.value) ? payDate.value[0] : null;
  [stub.period_start, stub.period_end] = period(lines);
  stub.pay_frequency = frequency(lines, stub.period_start, stub.period_end);
  const employer = findText(lines, vocab.EMPLOYER, vocab.STOPS) ?? letterhead(lines);
  stub.employer = employer && typeof employer.value === "string" ? employer.value : null;
  const name = findText(lines, vocab.EMPLOYEE, vocab.STOPS, fullName) ?? addressName(lines);
  return {
    stub, employee: name && typeof name.value === "string" ? name.value : null, itemised,
    withholdings: readWithholdings(lines),
  };
}

function itemisedDeductions(lines: readonly Line[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const line of lines) {
    line.cells.forEach((cell, i) => {
      const split = splitLabel(cell.text, vocab.DEDUCTION_LINES);
      if (split === null || split[1] || seen.has(cell.key)) return;
      const found = amountAt(lines, line, i, split[0], false, false);
      if (found !== null && typeof found.value === "number") {
        seen.add(cell.key);
        out.push(Math.abs(found.value));
      }
    });
  }
  return out;
}

function period(lines: readonly Line[]): [string | null, string | null] {
  const found = findDatesAfter(lines, vocab.PERIOD);
  if (found && Array.isArray(found.value) && found.value.length >= 2) return [found.value[0], found.value[1]];
  const start = findDatesAfter(lines, vocab.PERIOD_START);
  const end = findDatesAfter(lines, vocab.PERIOD_END);
  return [
    start && Array.isArray(start.value) ? start.value[0] : null,
    end && Array.isArray(end.value) ? end.value[0] : null,
  ];
}

function frequency(lines: readonly Line[], start: string | null, end: string | null): string | null {
  const labelled = findText(lines, vocab.FREQUENCY);
  if (labelled && typeof labelled.value === "string") {
    const word = freqWord(compact(labelled.value));
    if (word) return word;
  }
  if (halfMonth(start, end)) return "semimonthly";
  let span = daysBetween(start, end);
  if (span !== null) {
    span += 1;
    for (const [name, low, high] of [["weekly", 5, 8], ["biweekly", 13, 14], ["semimonthly", 15, 16], ["monthly", 28, 31]] as const) {
      if (low <= span && span <= high) return name;
    }
  }
  return freqWord(compact(lines.map((l) => l.text).join(" ")));
}

function halfMonth(start: string | null, end: string | null): boolean {
  if (!start || !end || start.slice(0, 7) !== end.slice(0, 7)) return false;
  const [y, m] = [Number(end.slice(0, 4)), Number(end.slice(5, 7))];
  const monthEnd = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const [a, b] = [Number(start.slice(8, 10)), Number(end.slice(8, 10))];
  return (a === 1 && b === 15) || (a === 16 && b === monthEnd);
}

function freqWord(key: string): string | null {
  for (const [name, words] of FREQ_WORDS) if (words.some((w) => key.includes(w))) return name;
  return null;
}
