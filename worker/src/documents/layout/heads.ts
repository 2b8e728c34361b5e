/** What the top of page one says without labels (port of layout/heads.py): the issuer's
 * letterhead and the addressee's name above their street address. */
import type { Cell, Line } from "./lines";
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
  const candidates: [Cell, boolean][] = [];
  for (const line of lines.slice(0, reach)) {
    if (line.page !== 0 || findAmounts(line.text).length) break;
    // the document's title may share the letterhead's row ("Acme LLC ... EARNINGS STATEMENT")
    const cells = line.cells.length > 1 ? line.cells.filter((c) => !isTitle(c.key)) : line.cells;
    if (cells.length !== 1 || /\d/.test(cells[0].text)) continue;
    const text = cells[0].text;
    const key = compact(text);
    if (!key || isTitle(key) || splitLabel(text, STOPS) !== null) continue;
    candidates.push([cells[0], cells[0].bottom - cells[0].top >= 1.2 * usual]);
  }
  const pick = candidates.find(([c]) => COMPANY.test(uncamel(c.text)))?.[0] ?? candidates.find(([, big]) => big)?.[0];
  if (!pick) return null;
  return { value: pick.text.trim(), label: pick, cell: pick, how: "letterhead" };
}

const isTitle = (key: string): boolean => TITLES.some((t) => key.includes(t));

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
