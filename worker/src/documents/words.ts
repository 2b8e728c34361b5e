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
  pages: PageWords[];
  /** Number of pages in the document (all of them, even those not read for words). */
  pageCount: number;
  /** Fonts of the shown text runs: [run text, font family] (for the font-outlier check). */
  runs: [string, string][];
}

const MAX_PAGES = 20;
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
  const out: PdfWords = { pages: [], pageCount: pdf.numPages, runs: [] };
  try {
    let total = 0;
    for (let n = 1; n <= Math.min(pdf.numPages, MAX_PAGES) && total < MAX_WORDS; n++) {
      const page = await pdf.getPage(n);
      const view = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const styles = content.styles as Record<string, { fontFamily?: string }>;
      const words: Word[] = [];
      for (const raw of content.items) {
        if (!("str" in raw)) continue;
        const item = raw as TextItem;
        words.push(...runWords(item, n - 1, view.height));
        if (item.str.trim() && out.runs.length < 4000) {
          out.runs.push([item.str.trim().slice(0, 80), item.fontName ? String(styles[item.fontName]?.fontFamily ?? item.fontName) : ""]);
        }
      }
      const joined = joinTouching(words);
      total += joined.length;
      out.pages.push({ page: n - 1, width: view.width, height: view.height, words: joined });
      page.cleanup();
    }
  } catch {
    // Whatever pages were read still count.
  } finally {
    await Promise.resolve(pdf.loadingTask?.destroy?.()).catch(() => undefined);
  }
  return out;
}
