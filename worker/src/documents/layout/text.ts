/**
 * Text helpers for layout reading (port of screening/documents/layout/text.py): folding for
 * space-free label matching, amounts in English and French-Canadian notation, and dates (ISO,
 * numeric, English and French month names). Nothing relies on `\b` between letters and digits.
 */

/** Numeric dates are d/m/Y unless the document shows m/d/Y; readDocument sets it per document. */
export const DATE_ORDER = { value: "dmy" as "dmy" | "mdy" };

const FROM = "àâäáãåéèêëíìîïóòôöõúùûüçñÀÂÄÁÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÇÑ’‘−–—\u00a0\u202f\u2009";
const TO = "aaaaaaeeeeiiiiooooouuuucnaaaaaaeeeeiiiiooooouuuucn''---   ";
const FOLD = new Map([...FROM].map((c, i) => [c, TO[i]]));

/** Lower case without accents, typographic quotes/dashes/spaces made plain; same length. */
export function fold(text: string): string {
  let out = "";
  for (const ch of text) out += FOLD.get(ch) ?? ch;
  return out.toLowerCase();
}

/** Folded letters and digits only: "Salaire brut :" → "salairebrut". */
export function compact(text: string): string {
  return fold(text).replace(/[^a-z0-9]/g, "");
}

const MONTH_LIST: string[][] = [
  ["jan", "january", "janv", "janvier"], ["feb", "february", "fev", "fevr", "fevrier"],
  ["mar", "march", "mars"], ["apr", "april", "avr", "avril"], ["may", "mai"],
  ["jun", "june", "juin"], ["jul", "july", "juil", "juillet"], ["aug", "august", "aout"],
  ["sep", "sept", "september", "septembre"], ["oct", "october", "octobre"],
  ["nov", "november", "novembre"], ["dec", "december", "decembre"],
];
const MONTHS = new Map<string, number>();
MONTH_LIST.forEach((names, i) => names.forEach((n) => MONTHS.set(n, i + 1)));
export const MONTH_NAMES = [...MONTHS.keys()].sort((a, b) => b.length - a.length).join("|");
const MON = MONTH_NAMES;

const DATE_RE = new RegExp(
  String.raw`(?<!\d)(?<y1>(?:19|20)\d{2})[-/.](?<m1>\d{1,2})[-/.](?<d1>\d{1,2})(?!\d)` +
    String.raw`|(?:(?<![a-z])|(?<=to)|(?<=au)|(?<=du)|(?<=le))(?<mon2>${MON})\.?[\s-]*(?<d2>\d{1,2})(?:st|nd|rd|th)?[,.]?[\s-]*(?<y2>(?:19|20)\d{2})(?!\d)` +
    String.raw`|(?<!\d)(?<d3>\d{1,2})(?:er)?[\s-]*(?<mon3>${MON})\.?,?[\s-]*(?<y3>(?:19|20)\d{2})(?!\d)` +
    String.raw`|(?<!\d)(?<a4>\d{1,2})[/.-](?<b4>\d{1,2})[/.-](?<y4>(?:19|20)\d{2})(?!\d)`,
  "g",
);
const TO_RX = String.raw`\s*(?:to|-|au|a|through|thru|until)\s*`;
const RANGE_RE = new RegExp(
  String.raw`(?<![a-z])(?<ma>${MON})\.?\s*(?<da>\d{1,2})(?:st|nd|rd|th)?${TO_RX}(?:(?<mb>${MON})\.?\s*)?` +
    String.raw`(?<db>\d{1,2})(?:st|nd|rd|th)?[,.]?\s*(?<y>(?:19|20)\d{2})(?!\d)` +
    String.raw`|(?<!\d)(?<da2>\d{1,2})(?:er)?\s*(?:(?<ma2>${MON})\.?\s*)?${TO_RX}(?<db2>\d{1,2})\s*` +
    String.raw`(?<mb2>${MON})\.?,?\s*(?<y2>(?:19|20)\d{2})(?!\d)`,
  "g",
);

function iso(y: number, mo: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(mo) || !Number.isInteger(d) || mo < 1 || mo > 12 || d < 1) return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCMonth() !== mo - 1 || y < 1) return null;
  return `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const mask = (s: string, start: number, end: number) => s.slice(0, start) + "#".repeat(end - start) + s.slice(end);

/** Every date in `text` as [ISO date, start, end]; a range with one year gives two dates. */
export function findDates(text: string): [string, number, number][] {
  let folded = fold(text);
  const original = folded;
  const out: [string, number, number][] = [];
  for (const m of original.matchAll(RANGE_RE)) {
    const g = m.groups ?? {};
    let y: string, ma: string, mb: string, da: string, db: string;
    if (g.y) [y, ma, mb, da, db] = [g.y, g.ma, g.mb ?? g.ma, g.da, g.db];
    else [y, ma, mb, da, db] = [g.y2, g.ma2 ?? g.mb2, g.mb2, g.da2, g.db2];
    const first = iso(+y, MONTHS.get(ma) ?? 0, +da);
    const last = iso(+y, MONTHS.get(mb) ?? 0, +db);
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (first && last && first <= last) {
      out.push([first, start, end], [last, start, end]);
      folded = mask(folded, start, end);
    }
  }
  for (const m of folded.matchAll(DATE_RE)) {
    const d = toIso(m.groups ?? {});
    if (d) out.push([d, m.index ?? 0, (m.index ?? 0) + m[0].length]);
  }
  return out.sort((a, b) => a[1] - b[1]);
}

function toIso(g: Record<string, string | undefined>): string | null {
  if (g.y1) return iso(+g.y1, +g.m1!, +g.d1!);
  if (g.mon2) return MONTHS.has(g.mon2) ? iso(+g.y2!, MONTHS.get(g.mon2)!, +g.d2!) : null;
  if (g.mon3) return MONTHS.has(g.mon3) ? iso(+g.y3!, MONTHS.get(g.mon3)!, +g.d3!) : null;
  const [a, b, y] = [+g.a4!, +g.b4!, +g.y4!];
  let d: number, mo: number;
  if (a > 12 || b > 12) [d, mo] = a > 12 ? [a, b] : [b, a];
  else [d, mo] = DATE_ORDER.value === "mdy" ? [b, a] : [a, b];
  return iso(y, mo, d);
}

const NUMERIC_RE = /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](?:19|20)\d{2}(?!\d)/g;

// Where a document is from, when its numeric dates do not say: a US state and ZIP code ("Dallas,
// TX 75226") or US payroll words, and no Canadian postal code ("M5S 1G2") or contribution words.
const US_STATES =
  "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|" +
  "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
const US_ZIP_RE = new RegExp(String.raw`(?<![A-Za-z])(?:${US_STATES}),?\s+\d{5}(?:-\d{4})?(?!\d)`);
const CA_POSTAL_RE = /(?<![A-Za-z0-9])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d(?![A-Za-z0-9])/;
const US_WORDS_RE = /\b(?:social ?security|medicare|fica|oasdi|401 ?\(?k\)?)(?![a-z])/;
const CA_WORDS_RE = /\b(?:cpp|qpp|rrq|rqap|qpip|ei|employment ?insurance|assurance[- ]?emploi)\b/;

/** "mdy" when the text's numeric dates can only be month first, or, when none of them says (every
 * day and month 12 or less: "03/12/2026"), when the document is from the United States; else "dmy". */
export function dateOrder(text: string): "dmy" | "mdy" {
  const pairs = [...text.matchAll(NUMERIC_RE)].map((m) => [+m[1], +m[2]]);
  if (pairs.some(([, b]) => b > 12) && !pairs.some(([a]) => a > 12)) return "mdy";
  if (pairs.length && !pairs.some(([a, b]) => a > 12 || b > 12) && fromTheUs(text)) return "mdy";
  return "dmy";
}

function fromTheUs(text: string): boolean {
  const folded = fold(text);
  const us = US_ZIP_RE.test(text) || US_WORDS_RE.test(folded);
  const canadian = CA_POSTAL_RE.test(text) || CA_WORDS_RE.test(folded);
  return us && !canadian;
}

export const datesIn = (text: string): string[] => findDates(text).map((d) => d[0]);

// English "1,234.56" / French "1 234,56"; a bare whole number is not money.
const MONEY_SRC =
  String.raw`(?<neg>-\s?)?(?<po>\()?\s?(?:(?:ca|c|us)?\$\s?)?(?<neg2>-)?` +
  String.raw`(?<num>(?<![\d,.])(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+\.\d{2}|\d+\.\d{2}` +
  String.raw`|\d{1,3}(?:[ .]\d{3})+,\d{2}|\d+,\d{2})(?![\d]|[.,]\d))` +
  String.raw`(?<pc>\))?(?<trail>-(?!\d))?\s?(?:\$|cad|usd)?\s?(?:(?<crdr>cr|dr)(?![a-z]))?`;
const MONEY_RE = new RegExp(MONEY_SRC, "gd");

/** Every money amount in `text` (dates skipped) as [signed value, start, end]. */
export function findAmounts(text: string): [number, number, number][] {
  let folded = fold(text);
  for (const [, start, end] of findDates(text)) folded = mask(folded, start, end);
  const out: [number, number, number][] = [];
  for (const m of folded.matchAll(MONEY_RE)) {
    const g = m.groups ?? {};
    const raw = g.num!;
    let value: number;
    if (raw.includes(",") && raw.lastIndexOf(",") > raw.lastIndexOf(".") && raw.length - raw.lastIndexOf(",") === 3) {
      value = Number(raw.replace(/ /g, "").replace(/\./g, "").replace(",", "."));
    } else if ((raw.match(/\./g) ?? []).length >= 2) {
      const k = raw.lastIndexOf(".");
      value = Number(raw.slice(0, k).replace(/\./g, "") + "." + raw.slice(k + 1));
    } else value = Number(raw.replace(/,/g, ""));
    const negative = Boolean(g.neg || g.neg2 || g.trail || g.crdr === "dr" || (g.po && g.pc));
    const start = m.indices!.groups!.num![0];
    out.push([negative ? -value : value, start, (m.index ?? 0) + m[0].length]);
  }
  return out;
}

export const amountsIn = (text: string): number[] => findAmounts(text).map((a) => a[0]);

/** True when `text` is one amount and nothing else (currency and CR/DR allowed). */
export function isAmountOnly(text: string): boolean {
  if (findAmounts(text).length !== 1) return false;
  const rest = compact(fold(text).replace(MONEY_RE, ""));
  return ["", "cad", "usd", "ca", "us"].includes(rest);
}

/** "PriyaRaman" → "Priya Raman" (OCR dropped the space); other text unchanged. */
export function uncamel(name: string): string {
  return name.replace(/(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý])/g, " ").trim();
}

export function daysBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  const a = Date.parse(`${start}T00:00:00Z`);
  const b = Date.parse(`${end}T00:00:00Z`);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.round((b - a) / 86_400_000) : null;
}
