/**
 * The layout reading's labels and words, from the one JSON both runtimes read
 * (resources/documents/layout-vocab.json, bundled at build time). Label lists are matched
 * longest first so "grosspay" wins over "gross".
 */
import vocab from "../../../../resources/documents/layout-vocab.json";

const byLength = (xs: readonly string[]): string[] => [...new Set(xs)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));

export const LABELS = Object.fromEntries(Object.entries(vocab.labels).map(([k, v]) => [k, byLength(v)])) as Record<
  keyof typeof vocab.labels, string[]
>;
export const {
  GROSS, NET, TOTAL_DEDUCTIONS, DEDUCTION_LINES, PAY_DATE, PERIOD, PERIOD_START, PERIOD_END, FREQUENCY, EMPLOYER,
  EMPLOYEE, OPENING, CLOSING, CARRIED, TOTAL_DEPOSITS, TOTAL_WITHDRAWALS, STATEMENT_PERIOD, HOLDER, ID_NAME,
} = LABELS;
export const STOPS = byLength([...GROSS, ...NET, ...PAY_DATE, ...PERIOD, ...EMPLOYER, ...EMPLOYEE, ...FREQUENCY, ...vocab.stop_extra]);
export const LETTER_SALARY: string[] = vocab.letter_salary;
export const LETTER_START: string[] = vocab.letter_start;
export const YTD_MARKS: string[] = vocab.ytd_marks;
export const CURRENT_HEADERS: string[] = vocab.current_headers;
export const COLUMNS: [string, string[]][] = Object.entries(vocab.columns);
export const PAYSTUB_WORDS: string[] = vocab.paystub_words;
export const BANK_WORDS: string[] = vocab.bank_words;
export const LETTER_WORDS: string[] = vocab.letter_words;
export const ID_WORDS: string[] = vocab.id_words;
export const SINGLE_SPLIT = new Set<string>(vocab.single_split);

/** Labels and column headers that start a new cell even when set close to the text before them. */
export const SPLIT_PHRASES = new Set<string>(
  [...Object.values(LABELS).filter((_, i) => Object.keys(LABELS)[i] !== "ID_NAME").flat(), ...STOPS,
    ...COLUMNS.flatMap(([, names]) => names), ...vocab.split_extra].filter((p) => p.length >= 5),
);

/** Statutory contribution lines (CPP, EI, Social Security, …): [label, kind], longest label first
 * so "cpp2" is not read as "cpp" and "ficamedicare" not as "fica". */
export const WITHHOLDING: [string, string][] = Object.entries(vocab.withholding)
  .flatMap(([kind, labels]) => [...new Set(labels)].map((label): [string, string] => [label, kind]))
  .sort(([a], [b]) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
