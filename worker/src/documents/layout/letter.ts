/** Employment letters, English and French (port of layout/letter.py and the prose rules of
 * parse_letter.py): prose ("Nous attestons que … est à l'emploi de …") and verification tables. */
import { parseDate } from "../figures";
import { letterhead } from "./heads";
import type { Line } from "./lines";
import { findAmount, findDatesAfter, findText } from "./pairing";
import { datesIn, findAmounts, fold } from "./text";
import * as vocab from "./vocab";

const NAME = String.raw`([A-ZÀ-Ý][\p{L}\p{N}_'’.\-]+(?:\s+[A-ZÀ-Ý][\p{L}\p{N}_'’.\-]*){0,3})`;
const EN_NAME = new RegExp(String.raw`(?:confirms?|certif(?:y|ies)|verif(?:y|ies)|attests?)\s+that\s+(?:(?:Mr|Ms|Mrs|Mx|Dr|Miss)\.?\s+)?${NAME}\s*,?\s+(?:has|is|was|\(|began|started|joined|holds)`, "u");
const EN_EMPLOYER = /employed\s+(?:full[- ]time\s+|part[- ]time\s+)?(?:by|with|at)\s+([A-Z][\p{L}\p{N}_&.,'’\- ]{1,80}?)\s+(?:as|since|from|on|in)\b/u;
const ANNUAL = /(?:annual|yearly|base)\s+(?:gross\s+)?(?:salary|compensation|income|pay|wage)[^$\d\n]{0,40}(\$?\s?[\d,]+(?:\.\d{2})?)|salary\s+of\s+(\$?\s?[\d,]+(?:\.\d{2})?)\s*(?:per\s+(?:year|annum)|annually|\/\s*y(?:ea)?r)/i;
const HOURLY = /\$\s?(\d+(?:\.\d{1,2})?)\s*(?:per|an|\/)\s*hour/i;
const HOURS = /(\d{1,2}(?:\.\d)?)\s*hours\s+(?:per|a|each|\/)\s*week/i;
const EN_START = /(?:since|effective|start(?:ing)?\s+date\s*(?:of|:)?|commenc\w+\s+on|joined\s+\w+(?:\s+\w+)?\s+on)\s+(.{6,24})/i;
const FR_NAME = new RegExp(String.raw`(?:attestons|certifions|confirmons|atteste|certifie|confirme)\s+(?:par\s+la\s+pr[ée]sente\s+)?que\s+(?:(?:M\.|Mme|Madame|Monsieur)\s+)?${NAME}\s*,?\s+(?:est|occupe|travaille|a\s+[ée]t[ée])`, "u");
const FR_EMPLOYER = /(?:à\s+l['’]emploi\s+de|employée?\s+(?:par|chez)|au\s+service\s+de)\s+([A-ZÀ-Ý][\p{L}\p{N}_&.,'’\- ]{1,80}?)\s+(?:depuis|à\s+titre|en\s+tant|comme|,)/u;
const RUN_NAME = /(?:confirms|certifies|verifies|attests|attestonsque|confirmonsque)(?:that)?((?:[A-ZÀ-Ý][a-zà-ÿ'’\-]+?){2,4}?)(?=hasbeen|isemployed|isa|wasemployed|washired|began|started|joined|estàl|estemploy|occupe|travaille)/;
const SALARY = /salaire\s*annuel|annual\s*(?:base\s*)?(?:salary|compensation|pay)|base\s*salary|r[ée]mun[ée]ration\s*annuelle|traitement\s*annuel/i;
const START = /depuis\s+le|date\s+d['’]embauche|date\s+of\s+hire|hire\s+date|start\s+date|since|effective/i;

export interface LetterReading { name: string | null; employer: string | null; annual_salary: number | null; start: string | null }

const stripChars = (s: string, chars: string) => {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a])) a++;
  while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
};

function labelledText(lines: string[], pattern: string): string | null {
  const rx = new RegExp(`^\\s*(?:${pattern})\\s*[:#]\\s*(.+?)\\s*$`, "i");
  for (const line of lines) {
    const m = rx.exec(line);
    if (m && m[1].trim()) return m[1].trim();
  }
  return null;
}

/** The prose reading of parse_letter.py over the plain text. */
function prose(text: string): LetterReading {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const flat = lines.join(" ");
  const out: LetterReading = { name: null, employer: null, annual_salary: null, start: null };
  let m = EN_NAME.exec(flat);
  out.name = m ? stripChars(m[1], " .,") : labelledText(lines, String.raw`employee(?:\s+name)?|name`);
  m = EN_EMPLOYER.exec(flat);
  out.employer = m ? stripChars(m[1], " ,") : labelledText(lines, "employer|company");
  m = ANNUAL.exec(flat);
  if (m) {
    const raw = m[1] ?? m[2];
    const digits = raw.replace(/[$,]/g, "").trim();
    const value = Number(digits);
    if (digits && Number.isFinite(value) && Math.abs(value) >= 1000) out.annual_salary = Math.abs(value);
  }
  if (out.annual_salary === null) {
    const rate = HOURLY.exec(flat);
    const hours = HOURS.exec(flat);
    if (rate) out.annual_salary = Math.round(Number(rate[1]) * (hours ? Number(hours[1]) : 40) * 52 * 100) / 100;
  }
  m = EN_START.exec(flat);
  if (m) out.start = parseDate(m[1]);
  return out;
}

export function readLetter(lines: readonly Line[], text: string): LetterReading {
  const out = prose(text);
  const flat = text.split("\n").map((l) => l.trim()).join(" ");
  const labelled = findText(lines, vocab.EMPLOYEE, vocab.STOPS);
  const fr = FR_NAME.exec(flat);
  const run = RUN_NAME.exec(flat.replace(/ /g, ""));
  out.name = (labelled && typeof labelled.value === "string" ? labelled.value : null) || out.name ||
    (fr ? stripChars(fr[1].trim(), " .,") : null) || (run ? run[1] : null);
  const employer = findText(lines, vocab.EMPLOYER, vocab.STOPS);
  const frEmployer = FR_EMPLOYER.exec(flat);
  const head = letterhead(lines);
  out.employer = (employer && typeof employer.value === "string" ? employer.value : null) || out.employer ||
    (frEmployer ? stripChars(frEmployer[1], " ,") : null) || (head && typeof head.value === "string" ? head.value : null);
  const salary = findAmount(lines, vocab.LETTER_SALARY);
  out.annual_salary = salary && typeof salary.value === "number" && Math.abs(salary.value) >= 1000
    ? Math.abs(salary.value) : out.annual_salary || afterWords(flat);
  const start = findDatesAfter(lines, vocab.LETTER_START);
  out.start = (start && Array.isArray(start.value) && start.value.length ? start.value[0] : null) || out.start || dateAfter(flat);
  return out;
}

function afterWords(flat: string): number | null {
  const m = SALARY.exec(fold(flat));
  if (!m) return null;
  const end = m.index + m[0].length;
  const found = findAmounts(flat.slice(end, end + 60));
  return found.length && Math.abs(found[0][0]) >= 1000 ? Math.abs(found[0][0]) : null;
}

function dateAfter(flat: string): string | null {
  const m = START.exec(fold(flat));
  if (!m) return null;
  const end = m.index + m[0].length;
  return datesIn(flat.slice(end, end + 40))[0] ?? null;
}
