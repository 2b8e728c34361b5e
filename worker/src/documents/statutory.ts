/**
 * Statutory withholding that does not fit the gross pay (port of screening/statutory.py and
 * screening/signals/withholding.py). CPP/QPP, EI, QPIP, Social Security and Medicare are fixed shares of
 * gross (resources/documents/statutory-withholding.json, which the desktop app reads too), so a
 * stub whose gross was raised while its contributions were left as they were prints contributions
 * well below what that gross requires. Only a contribution below the tolerant range is flagged, and
 * anything unsure (unknown year or frequency, a yearly maximum that may have been reached, a figure
 * that looks like another column's) is skipped: a false flag costs an honest applicant. The worker
 * reads text layers only, so the Python rule's OCR conditions (confidence, gross − deductions = net)
 * do not arise here.
 */
import table from "../../../resources/documents/statutory-withholding.json";
import type { Signal } from "../scoring";
import type { PayStub, Withholding } from "./figures";
import type { DocumentFacts } from "./inspect";
import { daysBetween } from "./layout/text";

interface Contribution {
  rate: number;
  basic_exemption: number;
  max_earnings: number | null;
  max_contribution: number | null;
}

const YEARS = table.years as Record<string, Record<string, Contribution>>;
const PERIODS = table.periods_per_year as Record<string, number>;
const TOL = table.tolerance;
const EXEMPT_SHARE = TOL.exempt_share as Record<string, number>;
const PERIOD_DAYS = TOL.period_days as Record<string, number[]>;

// the signal's words, shared with the desktop app (the file's "wording"; the desktop's loader and
// test/layout.test.ts check that every contribution has a name and every frequency a word)
const NAMES = table.wording.names as Record<string, string>;
const PAID = table.wording.paid as Record<string, string>;
const MESSAGE = table.wording.message;

const round2 = (x: number) => Number(x.toFixed(2));
const money = (x: number) => `${x < 0 ? "-" : ""}$${Math.abs(x).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;

export interface Expected {
  low: number;
  high: number;
  exemption: number;
}

/** What a pay period's `kind` contribution should be on `gross`; null when not in the table. */
export function expectedRange(kind: string, year: string, gross: number, frequency: string): Expected | null {
  const rules = YEARS[year]?.[kind];
  const periods = PERIODS[frequency];
  if (!rules || !periods) return null;
  const exemption = rules.basic_exemption / periods;
  const contributory = gross * (1 - (EXEMPT_SHARE[kind] ?? 0)) - TOL.exemption_slack * exemption;
  const low = Math.max(0, rules.rate * contributory - TOL.rounding);
  let high = rules.rate * gross + TOL.rounding;
  if (rules.max_contribution !== null) high = Math.min(high, rules.max_contribution);
  return { low: round2(low), high: round2(high), exemption: round2(exemption) };
}

function tableKind(kind: string, kinds: Set<string>, paid: Set<string>): string | null {
  if (kind === "ei") return kinds.has("cpp") && !kinds.has("qpp") && !kinds.has("qpip") ? "ei" : "ei_quebec";
  if ((kind === "cpp" || kind === "qpp") && paid.has(`${kind}2`)) return null; // past the yearly maximum
  return kind in NAMES ? kind : null;
}

function maximumMayBeReached(kind: string, w: Withholding, stub: PayStub, day: string): boolean {
  const rules = YEARS[day.slice(0, 4)][kind];
  if (rules.max_earnings === null) return false;
  if (w.ytd !== null && rules.max_contribution !== null && w.ytd >= rules.max_contribution - TOL.rounding) return true;
  const gross = stub.gross as number;
  if (stub.ytd_gross !== null && stub.ytd_gross >= gross) return stub.ytd_gross >= TOL.max_reached_share * rules.max_earnings;
  const [y, m, d] = [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
  const at = Date.UTC(y, m - 1, d);
  if (!/^\d{4}-\d{2}-\d{2}/.test(day) || Number.isNaN(at) || new Date(at).getUTCDate() !== d) return true;
  const dayOfYear = Math.round((at - Date.UTC(y, 0, 1)) / 86_400_000) + 1;
  const pays = Math.ceil((dayOfYear * PERIODS[stub.pay_frequency as string]) / 365);
  return 2 * gross * pays >= TOL.max_reached_share * rules.max_earnings;
}

function check(w: Withholding, kind: string | null, stub: PayStub, day: string): string | null {
  const gross = stub.gross as number;
  const freq = stub.pay_frequency as string;
  const exp = kind ? expectedRange(kind, day.slice(0, 4), gross, freq) : null;
  if (kind === null || exp === null || w.amount <= 0 || w.confidence < TOL.min_confidence) return null;
  if (w.amount >= exp.low || w.amount < TOL.min_ratio * exp.low) return null;
  if (maximumMayBeReached(kind, w, stub, day)) return null;
  const rate = (YEARS[day.slice(0, 4)][kind].rate * 100).toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
  const exempt = exp.exemption ? ` above the period's ${money(exp.exemption)} exemption` : "";
  return `"${w.label}" is ${money(w.amount)}; on a gross pay of ${money(gross)} paid ${PAID[freq] ?? freq}, ` +
    `${NAMES[kind]} at ${rate} %${exempt} would be between ${money(exp.low)} and ${money(exp.high)}.`;
}

/** Whether the pay period's length fits the pay frequency; null without both period dates. */
function frequencyConfirmed(stub: PayStub): boolean | null {
  const span = daysBetween(stub.period_start, stub.period_end);
  const days = PERIOD_DAYS[stub.pay_frequency ?? ""];
  if (span === null || !days) return null;
  return days[0] <= span + 1 && span + 1 <= days[1];
}

export function withholdingMismatch(doc: DocumentFacts): Signal[] {
  const stub = doc.pay_stub;
  const withholdings = doc.withholdings ?? [];
  if (!stub || !withholdings.length || !stub.gross || stub.gross <= 0 || !stub.pay_frequency) return [];
  const day = stub.pay_date || stub.period_end;
  if (!day) return [];
  const confirmed = frequencyConfirmed(stub);
  if (confirmed === false) return []; // the pay period contradicts the frequency: one of them is misread
  const kinds = new Set(withholdings.map((w) => w.kind));
  const paid = new Set(withholdings.filter((w) => w.amount > 0).map((w) => w.kind));
  const problems = withholdings
    .filter((w) => confirmed || (w.kind !== "cpp" && w.kind !== "qpp")) // their exemption depends on the frequency
    .map((w) => check(w, tableKind(w.kind, kinds, paid), stub, day))
    .filter((p): p is string => !!p);
  if (!problems.length) return [];
  return [{ code: "withholding_mismatch", severity: "medium", document: doc.file_name, evidence: problems.join(" "), message: MESSAGE }];
}
