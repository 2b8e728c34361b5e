/** What the top of page one says without labels (port of layout/heads.py): the issuer's
 * letterhead and the addressee's name above their street address. */
import type { Line } from "./lines";
import { splitLabel, type Found } from "./pairing";
import { compact, findAmounts, uncamel } from "./text";
import { STOPS } from "./vocab";

const COMPANY = /\b(?:inc|ltd|llc|corp|corporation|co|company|group|limited|lt[ée]e|lp|llp|plc|enterprises|services|solutions|holdings|senc|s\.e\.n\.c|cie)\b\.?/i;
const TITLES = ["stub", "statement", "payslip", "advice", "releve", "talon", "bulletin", "confidential", "earnings", "paie", "remuneration", "page"];

/** The employer as a letterhead: an unlabelled line at the top of page one, with a company
 * suffix or set larger than the text around it. */
export function letterhead(lines: readonly Line[], reach = 5): Found | null {
  const heights = lines.slice(0, 40).flatMap((l) => l.cells.map((c) => c.bottom - c.top)).sort((a, b) => a - b);
  const usual = heights.length ? heights[Math.floor(heights.length / 2)] : 0;
  const candidates: [Line, boolean][] = [];
  for (const line of lines.slice(0, reach)) {
    const text = line.text;
    if (line.page !== 0 || findAmounts(text).length) break;
    if (line.cells.length !== 1 || /\d/.test(text)) continue;
    const key = compact(text);
    if (!key || TITLES.some((t) => key.includes(t)) || splitLabel(text, STOPS) !== null) continue;
    candidates.push([line, line.cells[0].bottom - line.cells[0].top >= 1.2 * usual]);
  }
  const pick = candidates.find(([ln]) => COMPANY.test(uncamel(ln.text)))?.[0] ?? candidates.find(([, big]) => big)?.[0];
  if (!pick) return null;
  const cell = pick.cells[0];
  return { value: cell.text.trim(), label: cell, cell, how: "letterhead" };
}

const PERSON = /^(?:[A-ZÀ-Ý][\p{L}\p{N}_'’.\-]*\s+){1,3}[A-ZÀ-Ý][\p{L}\p{N}_'’\-]+$/u;
const STREET = /^\d{1,6}[A-Za-z]?[\s,-]*[A-Za-zÀ-ÿ]/;
const ISSUER = /bank|banque|credit|union|trust|caisse|financial|savings|payroll/i;

/** A person's name alone on a line just above a street address. */
export function addressName(lines: readonly Line[], reach = 12): Found | null {
  const top = lines.slice(1, reach).filter((l) => l.page === 0);
  for (let i = 0; i + 1 < top.length; i++) {
    const [line, under] = [top[i], top[i + 1]];
    const text = uncamel(line.text.trim());
    if (line.cells.length !== 1 || !PERSON.test(text) || COMPANY.test(text)) continue;
    if (ISSUER.test(text) || splitLabel(text, STOPS) !== null) continue;
    if (STREET.test(under.text.trim()) && !findAmounts(under.text).length) {
      const cell = line.cells[0];
      return { value: text, label: cell, cell, how: "address block" };
    }
  }
  return null;
}
