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

/** A person after a name label (employee, account holder) is named with two words or more, the first
 * capitalised. One word is something else ("Member FDIC": the bank's deposit insurer; "EMPLOYEE COPY":
 * which copy of the stub this is), and a name does not start in lower case ("Member of Deposit
 * Insurance Corporation of Ontario": a sentence). */
export function fullName(value: string): boolean {
  const words = uncamel(value).replace(/,/g, " ").trim().split(/\s+/).filter(Boolean);
  return words.length >= 2 && words[0][0] !== undefined && words[0][0] !== words[0][0].toLowerCase();
}

/** A person's name just above a street address: alone on its line, or as the first box of it,
 * left-aligned with the street (a period or an account number beside the address block). */
export function addressName(lines: readonly Line[], reach = 12): Found | null {
  const top = lines.slice(1, reach).filter((l) => l.page === 0);
  for (let i = 0; i + 1 < top.length; i++) {
    const [line, under] = [top[i], top[i + 1]];
    const [cell, street] = [line.cells[0], under.cells[0]];
    const text = uncamel(cell.text.trim());
    if (!PERSON.test(text) || COMPANY.test(text)) continue;
    if (ISSUER.test(text) || splitLabel(text, STOPS) !== null) continue;
    // beside other boxes (a period, an account number), the name and the street start at the same x
    if (line.cells.length > 1 && Math.abs(cell.x0 - street.x0) > cell.bottom - cell.top) continue;
    if (STREET.test(street.text.trim()) && !findAmounts(street.text).length) {
      return { value: text, label: cell, cell, how: "address block" };
    }
  }
  return null;
}
