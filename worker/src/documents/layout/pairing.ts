/**
 * A label and its value (port of screening/documents/layout/pairing.py): in the same cell, in a
 * cell to its right, in the cell below, or under a column header (Current | YTD). Labels are
 * compact strings, so they match with or without spaces; short labels only match a whole cell or
 * a cell whose rest is not a letter ("Net" never matches "Netflix").
 */
import { Cell, type Line } from "./lines";
import { compact, datesIn, findAmounts, fold } from "./text";
import { CURRENT_HEADERS, YTD_MARKS } from "./vocab";

const TABLE_GAP = 1.3;
const BELOW_REACH = 3.0;
const CONNECTORS = ["", "to", "au", "a", "through", "thru", "until", "jusquau"];

export interface Found {
  value: number | string | string[];
  label: Cell;
  cell: Cell;
  how: string;
}

const isAlpha = (ch: string | undefined) => ch !== undefined && /\p{L}/u.test(ch);

function cut(text: string, nAlnum: number): number {
  const folded = fold(text);
  let seen = 0;
  for (let i = 0; i < folded.length; i++) {
    if (seen === nAlnum) return i;
    if (/[a-z0-9]/i.test(folded[i])) seen++;
  }
  return text.length;
}

const STRIP = " :#.-|\t";
function strip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && STRIP.includes(s[a])) a++;
  while (b > a && STRIP.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function after(text: string, nAlnum: number): string {
  const rest = strip(text.slice(cut(text, nAlnum)));
  return compact(rest) || rest.includes("$") ? rest : "";
}

function midWord(text: string, nAlnum: number): boolean {
  const i = cut(text, nAlnum);
  if (i === 0 || i >= text.length) return false;
  const [before, next] = [text[i - 1], text[i]];
  return isAlpha(before) && isAlpha(next) && !(/\p{Ll}/u.test(before) && /\p{Lu}/u.test(next));
}

const ytdStart = (s: string) => ["ytd", "cum"].includes(compact(s).slice(0, 3));

/** [the text after the label, whether the label is a year-to-date one] or null. */
export function splitLabel(text: string, labels: readonly string[]): [string, boolean] | null {
  let key = compact(text);
  let ytd = false;
  for (const mark of YTD_MARKS) {
    if (key.startsWith(mark)) {
      [key, text, ytd] = [key.slice(mark.length), after(text, mark.length), true];
      break;
    }
  }
  for (const label of labels) {
    if (!key.startsWith(label)) continue;
    if (midWord(text, label.length) && !ytdStart(after(text, label.length))) continue;
    const rest = after(text, label.length);
    if (label.length < 5 && isAlpha(rest[0]) && !ytdStart(rest)) continue;
    const restKey = compact(rest);
    for (const mark of YTD_MARKS) if (restKey.startsWith(mark)) return [after(rest, mark.length), true];
    return [rest, ytd];
  }
  return null;
}

function segment(line: Line, start: number): Cell[] {
  const out: Cell[] = [];
  for (const cell of line.cells.slice(start + 1)) {
    if (!findAmounts(cell.text).length && !datesIn(cell.text).length) break;
    out.push(cell);
  }
  return out;
}

function headerAbove(lines: readonly Line[], line: Line, reach = 25): Line | null {
  const tops = [line.top];
  for (let k = line.index - 1; k >= Math.max(0, line.index - reach); k--) {
    const other = lines[k];
    if (other.page !== line.page) break;
    tops.push(other.top);
    const keys = other.cells.map((c) => c.key);
    if (keys.some((k2) => YTD_MARKS.includes(k2) || CURRENT_HEADERS.includes(k2)) &&
      !other.cells.some((c) => findAmounts(c.text).length)) {
      const pitches = tops.slice(1).map((t, i) => tops[i] - t).sort((a, b) => a - b);
      const usual = pitches[Math.floor(pitches.length / 2)];
      return pitches[pitches.length - 1] > TABLE_GAP * usual + 1 ? null : other;
    }
  }
  return null;
}

function role(header: Line | null, cell: Cell): string | null {
  if (header === null) return null;
  let best = header.cells[0];
  for (const h of header.cells) if (Math.abs(h.centre - cell.centre) < Math.abs(best.centre - cell.centre)) best = h;
  if (!best.overlaps(cell, 4)) return null;
  if (YTD_MARKS.includes(best.key) || YTD_MARKS.some((m) => best.key.startsWith(m))) return "ytd";
  if (CURRENT_HEADERS.includes(best.key)) return "current";
  return "other";
}

export function below(lines: readonly Line[], line: Line, label: Cell, wantText: boolean): Cell | null {
  return belowAt(lines, line, label, wantText)?.[1] ?? null;
}

function belowAt(lines: readonly Line[], line: Line, label: Cell, wantText: boolean): [Line, Cell] | null {
  for (const other of lines.slice(line.index + 1, line.index + 4)) {
    if (other.page !== line.page || other.top - line.bottom > BELOW_REACH * line.height) return null;
    for (const cell of other.cells) {
      if (!cell.overlaps(label)) continue;
      if (wantText && cell.text && !cell.amountOnly) return [other, cell];
      if (!wantText && cell.amountOnly) return [other, cell];
      return null;
    }
  }
  return null;
}

/** A row header's say on the amounts of its row: "Year to date" → ytd, "Current" → current. */
function rowRole(row: Line, cell: Cell): string | null {
  const head = row.cells[0];
  if (head === cell || head.amountOnly) return null;
  if (YTD_MARKS.includes(head.key) || YTD_MARKS.some((m) => head.key.startsWith(m))) return "ytd";
  return CURRENT_HEADERS.includes(head.key) ? "current" : null;
}

/** The amounts under a label that heads a column: in a transposed summary (rows headed Current /
 * Year to date) one per row with its row's role; without row headers only the first below. */
function columnBelow(lines: readonly Line[], line: Line, label: Cell): [number, Cell, string | null][] {
  const first = belowAt(lines, line, label, false);
  if (first === null) return [];
  let [row, cell] = first;
  const out: [number, Cell, string | null][] = [[cell.amounts[0], cell, rowRole(row, cell)]];
  for (const other of lines.slice(row.index + 1, row.index + 4)) {
    if (other.page !== row.page || other.top - row.bottom > BELOW_REACH * row.height) break;
    const under = other.cells.find((c) => c.overlaps(label));
    if (under === undefined || !under.amountOnly) break;
    out.push([under.amounts[0], under, rowRole(other, under)]);
    row = other;
  }
  return out.some(([, , r]) => r) ? out : [[out[0][0], out[0][1], null]];
}

/** The first labelled amount (the current one, or with `ytd` the year-to-date one). */
export function findAmount(lines: readonly Line[], labels: readonly string[], ytd = false, pages: Set<number> | null = null): Found | null {
  for (const line of lines) {
    if (pages !== null && !pages.has(line.page)) continue;
    for (let i = 0; i < line.cells.length; i++) {
      const split = splitLabel(line.cells[i].text, labels);
      if (split === null) continue;
      const found = amountAt(lines, line, i, split[0], split[1], ytd);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The amount for the label in `line.cells[i]` (`rest`: the cell's text after it). */
export function amountAt(lines: readonly Line[], line: Line, i: number, rest: string, isYtd: boolean, wantYtd: boolean): Found | null {
  const cell = line.cells[i];
  const header = headerAbove(lines, line);
  let values: [number, Cell, string | null][] = [];
  if (findAmounts(rest).length) {
    values = cell.pieces().filter((p) => p.amountOnly).map((p) => [p.amounts[0], p, role(header, p)]);
  }
  for (const c of segment(line, i)) for (const [v] of findAmounts(c.text)) values.push([v, c, role(header, c)]);
  let how = "same line";
  if (!values.length) {
    values = columnBelow(lines, line, cell);
    if (!values.length) return null;
    how = "below";
  }
  if (isYtd) return wantYtd ? { value: values[0][0], label: cell, cell: values[0][1], how } : null;
  const roles = values.map((v) => v[2]);
  if (roles.includes("current") || roles.includes("ytd")) {
    const want = wantYtd ? "ytd" : "current";
    let pick = values.find((v) => v[2] === want);
    if (!pick && !wantYtd) pick = values.find((v) => v[2] !== "ytd");
    return pick ? { value: pick[0], label: cell, cell: pick[1], how: "under column header" } : null;
  }
  if (wantYtd) return values.length >= 2 ? { value: values[1][0], label: cell, cell: values[1][1], how } : null;
  return { value: values[0][0], label: cell, cell: values[0][1], how };
}

/** Text after a label: same cell, next cell, or the cell below; `stop` labels are other fields'.
 * `accept` judges a value: one it refuses does not end the search (the next label may hold it). */
export function findText(
  lines: readonly Line[], labels: readonly string[], stop: readonly string[] = [], accept?: (value: string) => boolean,
): Found | null {
  for (const found of texts(lines, labels, stop)) {
    if (accept === undefined || (typeof found.value === "string" && accept(found.value))) return found;
  }
  return null;
}

function* texts(lines: readonly Line[], labels: readonly string[], stop: readonly string[]): Generator<Found> {
  for (const line of lines) {
    for (let i = 0; i < line.cells.length; i++) {
      const cell = line.cells[i];
      const split = splitLabel(cell.text, labels);
      if (split === null || split[1] || cell.text.trimEnd().endsWith(",")) continue;
      const rest = split[0];
      if (rest && !findAmounts(rest).length && isValue(rest, stop)) {
        yield { value: rest, label: cell, cell, how: "same cell" };
        continue;
      }
      if (rest) continue;
      if (i + 1 < line.cells.length && isValue(line.cells[i + 1].text, stop)) {
        yield { value: line.cells[i + 1].text, label: cell, cell: line.cells[i + 1], how: "cell to the right" };
        continue;
      }
      const under = below(lines, line, cell, true);
      if (under !== null && isValue(under.text, stop)) yield { value: under.text, label: cell, cell: under, how: "below" };
    }
  }
}

/** `found` with the value's cell read whole when a narrow table cell wrapped it ("March 16, 2026 to
 * March 31," / "2026"): its rest on the next line (cells aligned at the top) or its start on the
 * line before (aligned at the bottom), when that gives more dates. */
function unwrapped(lines: readonly Line[], line: Line, label: Cell, value: Cell, found: string[]): [string[], Cell] {
  const own = datesIn(value.text).length;
  for (const step of [1, -1]) {
    const other = wrapped(lines, line, label, value, step);
    if (other === null) continue;
    const text = step === 1 ? `${value.text} ${other.text}` : `${other.text} ${value.text}`;
    const joined = datesIn(text);
    if (joined.length > own) return [[...found.slice(0, found.length - own), ...joined], other];
  }
  return [found, value];
}

/** The cell continuing `value` on the line after (`step` 1) or before (-1): in the value's column,
 * closer than half a line (table rows are further apart), with nothing over the label. */
function wrapped(lines: readonly Line[], line: Line, label: Cell, value: Cell, step: number): Cell | null {
  const k = line.index + step;
  if (k < 0 || k >= lines.length) return null;
  const other = lines[k];
  const gap = step === 1 ? other.top - line.bottom : line.top - other.bottom;
  if (other.page !== line.page || gap > 0.5 * line.height || other.cells.some((c) => c.overlaps(label))) return null;
  return other.cells.find((c) => c.overlaps(value) && Math.abs(c.x0 - value.x0) < line.height) ?? null;
}

function isValue(text: string, stop: readonly string[]): boolean {
  if (!text.trim() || findAmounts(text).length || text.trim().split(/\s+/).length > 8) return false;
  const key = compact(text);
  return Boolean(key) && !stop.some((s) => key.startsWith(s));
}

/** Dates after a label on its line (right of it), else in the cell below. */
export function findDatesAfter(lines: readonly Line[], labels: readonly string[]): Found | null {
  for (const line of lines) {
    for (let i = 0; i < line.cells.length; i++) {
      const cell = line.cells[i];
      const split = splitLabel(cell.text, labels);
      if (split === null || split[1]) continue;
      let found = datesIn(split[0]);
      let last = cell;
      for (const other of line.cells.slice(i + 1)) {
        const more = datesIn(other.text);
        if (!more.length) {
          if (found.length && !CONNECTORS.includes(compact(other.text))) break;
          continue;
        }
        found.push(...more);
        last = other;
      }
      if (last !== cell) [found, last] = unwrapped(lines, line, cell, last, found);
      if (found.length) return { value: found, label: cell, cell: last, how: "same line" };
      const under = below(lines, line, cell, true);
      if (under !== null && datesIn(under.text).length) return { value: datesIn(under.text), label: cell, cell: under, how: "below" };
    }
  }
  return null;
}

export { Cell };
