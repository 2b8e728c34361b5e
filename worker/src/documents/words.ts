/**
 * Words with their boxes from a PDF's text layer, read by pdf.js (the `unpdf` serverless build:
 * no DOM, no eval, no web worker, so it runs inside workerd). The same shape as the desktop app's
 * `screening/documents/words.py` (pdfplumber words): top-left origin, PDF points, one entry per
 * whitespace-separated word, so the layout rules (layout/) read both runtimes' words alike.
 */
import { getDocumentProxy } from "unpdf";

export interface Word {
  text: string;
  page: number;
  x0: number;
  top: number;
  x1: number;
  bottom: number;
}

export interface PageWords {
  page: number;
  width: number;
  height: number;
  words: Word[];
}

export interface PdfWords {
  /** The words as on the rendered page (words drawn over by later ones left out). */
  pages: PageWords[];
  /** Every word drawn, overdrawn ones too (what a plain text extraction sees). */
  drawn: PageWords[];
  /** Info dictionary entries pdf.js read (Producer, Creator, CreationDate, ModDate, ...). */
  info: Record<string, string>;
  /** Number of pages in the document (all of them, even those not read for words). */
  pageCount: number;
  /** Fonts of the shown text runs: [run text, font family] (for the font-outlier check). */
  runs: [string, string][];
}

const MAX_PAGES = 50; // as the desktop app (Limits.max_pdf_pages)
const MAX_WORDS = 20_000;
const DESCENT = 0.2; // share of the font size below the baseline (pdfplumber's boxes include it)

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  fontName?: string;
}

/** A text run cut at its spaces; each word's box is its share of the run's width. */
export function runWords(item: TextItem, page: number, pageHeight: number): Word[] {
  const [a, b, , , e, f] = item.transform;
  const size = item.height || Math.hypot(a, b) || 1;
  if (!item.str || Math.abs(b) > Math.abs(a) * 0.2) return []; // rotated text has no usable line
  const perChar = item.str.length ? item.width / item.str.length : 0;
  const bottom = pageHeight - f + DESCENT * size;
  const top = bottom - size;
  const out: Word[] = [];
  for (const m of item.str.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    out.push({
      text: m[0], page, top, bottom,
      x0: e + start * perChar, x1: e + (start + m[0].length) * perChar,
    });
  }
  return out;
}

const OVERLAP = 0.4; // two words sharing this much of the narrower one's width: one drawn over the other
const BAND = 3; // tops within this many points share a row (an editor's figure is rarely on the same baseline)

/**
 * The words (in content-stream order) that a word drawn later covers, as on the rendered page: an
 * editor's new figure over a whited-out one hides the old one (same rule as pdf_words.py's
 * `overdrawn`, per word instead of per glyph). `runs[i]` is word i's text run: every earlier word
 * of the row under a covering run's span is hidden too (the whited-out rest of the old figure;
 * pdf.js gives no glyph boxes, so a short old word may miss the new one's).
 */
export function overdrawn(words: Word[], runs: number[] = words.map((_, i) => i)): Set<number> {
  const order = words.map((w, i) => [i, w] as const).sort((a, b) => a[1].top - b[1].top);
  const rows: (readonly [number, Word])[][] = [];
  for (const item of order) {
    const row = rows[rows.length - 1];
    if (row && item[1].top - row[0][1].top <= BAND) row.push(item);
    else rows.push([item]);
  }
  const hidden = new Set<number>();
  for (const row of rows) {
    row.sort((a, b) => a[1].x0 - b[1].x0);
    const over = new Set<number>();
    row.forEach(([i, w], k) => {
      for (const [j, o] of row.slice(k + 1)) {
        if (o.x0 >= w.x1) break;
        const width = Math.max(Math.min(w.x1 - w.x0, o.x1 - o.x0), 0.1);
        if ((Math.min(w.x1, o.x1) - Math.max(w.x0, o.x0)) / width >= OVERLAP) {
          hidden.add(Math.min(i, j));
          over.add(Math.max(i, j));
        }
      }
    });
    for (const top of over) {
      const run = row.filter(([i]) => runs[i] === runs[top]);
      const [x0, x1] = [Math.min(...run.map(([, w]) => w.x0)), Math.max(...run.map(([, w]) => w.x1))];
      const first = Math.min(...run.map(([i]) => i));
      for (const [i, w] of row) {
        const centre = (w.x0 + w.x1) / 2;
        if (i < first && centre >= x0 - 0.5 && centre <= x1 + 0.5) hidden.add(i);
      }
    }
  }
  return hidden;
}

/** Words touching each other within a hair are one word (pdf.js may split a run at a kern). */
function joinTouching(words: Word[]): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    const prev = out[out.length - 1];
    const h = w.bottom - w.top;
    if (prev && Math.abs(prev.top - w.top) < 0.2 * h && w.x0 - prev.x1 < 0.1 * h && w.x0 >= prev.x0) {
      out[out.length - 1] = { ...prev, text: prev.text + w.text, x1: Math.max(prev.x1, w.x1) };
    } else out.push(w);
  }
  return out;
}

/** Every page's words, or null when pdf.js cannot open the file (encrypted, damaged). */
export async function pdfWords(bytes: Uint8Array): Promise<PdfWords | null> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: pdf.js transfers (detaches) the buffer it is given.
    pdf = await getDocumentProxy(bytes.slice(), {
      useSystemFonts: false, stopAtErrors: false, disableFontFace: true, verbosity: 0,
    });
  } catch {
    return null;
  }
  const out: PdfWords = { pages: [], drawn: [], info: {}, pageCount: pdf.numPages, runs: [] };
  try {
    const meta = await pdf.getMetadata().catch(() => null);
    for (const [k, v] of Object.entries((meta?.info ?? {}) as Record<string, unknown>)) {
      if (typeof v === "string" && v.trim()) out.info[k] = v.trim().slice(0, 200);
    }
    let total = 0;
    for (let n = 1; n <= Math.min(pdf.numPages, MAX_PAGES) && total < MAX_WORDS; n++) {
      const page = await pdf.getPage(n);
      const view = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const styles = content.styles as Record<string, { fontFamily?: string }>;
      const words: Word[] = [];
      const runs: number[] = [];
      for (const [r, raw] of content.items.entries()) {
        if (!("str" in raw)) continue;
        const item = raw as TextItem;
        for (const w of runWords(item, n - 1, view.height)) {
          words.push(w);
          runs.push(r);
        }
        if (item.str.trim() && out.runs.length < 4000) {
          out.runs.push([item.str.trim().slice(0, 80), item.fontName ? String(styles[item.fontName]?.fontFamily ?? item.fontName) : ""]);
        }
      }
      const hidden = overdrawn(words, runs);
      const joined = joinTouching(words.filter((_, i) => !hidden.has(i)));
      total += joined.length;
      out.pages.push({ page: n - 1, width: view.width, height: view.height, words: joined });
      out.drawn.push({ page: n - 1, width: view.width, height: view.height, words: hidden.size ? joinTouching(words) : joined });
      page.cleanup();
    }
  } catch {
    // Whatever pages were read still count.
  } finally {
    await Promise.resolve(pdf.loadingTask?.destroy?.()).catch(() => undefined);
  }
  return out;
}
