/**
 * Lines and cells rebuilt from word boxes (port of screening/documents/layout/lines.py): a line
 * is a run of words whose vertical centres share a band; within a line a horizontal gap wider
 * than about one character height starts a new cell.
 */
import type { PageWords, Word } from "../words";
import { compact, findAmounts, isAmountOnly } from "./text";
import { SINGLE_SPLIT, SPLIT_PHRASES } from "./vocab";

const CELL_GAP = 0.9;
const ROW_BAND = 0.5;
const RECENT_ROWS = 6;

export class Cell {
  readonly text: string;
  readonly key: string;
  readonly amountOnly: boolean;
  readonly x0: number;
  readonly x1: number;
  readonly top: number;
  readonly bottom: number;

  constructor(readonly words: Word[]) {
    this.text = words.map((w) => w.text).join(" ").trim();
    this.key = compact(this.text);
    this.amountOnly = isAmountOnly(this.text);
    this.x0 = Math.min(...words.map((w) => w.x0));
    this.x1 = Math.max(...words.map((w) => w.x1));
    this.top = Math.min(...words.map((w) => w.top));
    this.bottom = Math.max(...words.map((w) => w.bottom));
  }

  get page(): number {
    return this.words[0].page;
  }

  get centre(): number {
    return (this.x0 + this.x1) / 2;
  }

  get amounts(): number[] {
    return findAmounts(this.text).map((a) => a[0]);
  }

  /** The cell cut so each amount is its own cell with its own box. */
  pieces(): Cell[] {
    const spans = findAmounts(this.text);
    if (this.amountOnly || !spans.length) return [this];
    const groups: [number, Word[]][] = [];
    let start = 0;
    for (const w of this.words) {
      const end = start + w.text.length;
      const span = spans.findIndex(([, s, e]) => s < end && start < e);
      if (groups.length && groups[groups.length - 1][0] === span) groups[groups.length - 1][1].push(w);
      else groups.push([span, [w]]);
      start = end + 1;
    }
    return groups.map(([, words]) => new Cell(words));
  }

  /** Horizontal overlap (a value under a label, a cell under a column header). */
  overlaps(other: Cell, slack = 0): boolean {
    return this.x0 - slack < other.x1 && other.x0 - slack < this.x1;
  }
}

export class Line {
  constructor(readonly page: number, readonly index: number, readonly cells: Cell[]) {}

  get top(): number {
    return Math.min(...this.cells.map((c) => c.top));
  }

  get bottom(): number {
    return Math.max(...this.cells.map((c) => c.bottom));
  }

  get height(): number {
    return Math.max(this.bottom - this.top, 1);
  }

  get text(): string {
    return this.cells.map((c) => c.text).join("   ");
  }
}

const mid = (w: Word) => (w.top + w.bottom) / 2;

function fits(row: Word[], w: Word): number | null {
  const height = Math.max(w.bottom - w.top, 1);
  const centre = (w.x0 + w.x1) / 2;
  let near = row[0];
  for (const r of row) if (Math.abs((r.x0 + r.x1) / 2 - centre) < Math.abs((near.x0 + near.x1) / 2 - centre)) near = r;
  const distance = Math.abs(mid(near) - mid(w));
  if (distance > ROW_BAND * Math.max(height, near.bottom - near.top)) return null;
  for (const r of row) {
    const overlap = Math.min(r.x1, w.x1) - Math.max(r.x0, w.x0);
    if (overlap > 0.3 * Math.max(Math.min(r.x1 - r.x0, w.x1 - w.x0), 0.1)) return null;
  }
  return distance;
}

function rows(words: Word[]): Word[][] {
  const out: Word[][] = [];
  const sorted = [...words].sort((a, b) => mid(a) - mid(b) || a.x0 - b.x0);
  for (const w of sorted) {
    let best: [number, number] | null = null;
    for (let i = Math.max(out.length - RECENT_ROWS, 0); i < out.length; i++) {
      const d = fits(out[i], w);
      if (d !== null && (best === null || d < best[0])) best = [d, i];
    }
    if (best) out[best[1]].push(w);
    else out.push([w]);
  }
  const key = (row: Word[]) => row.map(mid).sort((a, b) => a - b)[Math.floor(row.length / 2)];
  return out.map((row) => [key(row), row] as const).sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function cells(row: Word[]): Cell[] {
  const sorted = [...row].sort((a, b) => a.x0 - b.x0);
  const height = median(sorted.map((w) => Math.max(w.bottom - w.top, 1)));
  const groups: Word[][] = [[sorted[0]]];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].x0 - sorted[i - 1].x1 > CELL_GAP * height) groups.push([sorted[i]]);
    else groups[groups.length - 1].push(sorted[i]);
  }
  return groups.flatMap((g) => splitPhrases(g)).map((part) => new Cell(part));
}

/** Words cut before and after each known label or column header, longest phrase first. */
function splitPhrases(words: Word[], longest = 4): Word[][] {
  if (words.length < 2) return [words];
  const keys = words.map((w) => compact(w.text));
  const out: Word[][] = [[]];
  let i = 0;
  while (i < words.length) {
    let size = 0;
    for (let n = Math.min(longest, words.length - i); n > 0; n--) {
      if (SPLIT_PHRASES.has(keys.slice(i, i + n).join("")) && (n > 1 || SINGLE_SPLIT.has(keys[i]))) {
        size = n;
        break;
      }
    }
    if (size) {
      if (out[out.length - 1].length) out.push([]);
      out[out.length - 1].push(...words.slice(i, i + size));
      out.push([]);
      i += size;
    } else {
      out[out.length - 1].push(words[i]);
      i++;
    }
  }
  return out.filter((g) => g.length);
}

/** Every page's lines in reading order (page, then top to bottom). */
export function buildLines(pages: PageWords[]): Line[] {
  const out: Line[] = [];
  for (const page of [...pages].sort((a, b) => a.page - b.page)) {
    const words = page.words.filter((w) => w.text.trim());
    for (const row of rows(words)) out.push(new Line(page.page, out.length, cells(row)));
  }
  return out;
}
