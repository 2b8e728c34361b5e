/**
 * A small, defensive PDF reader for workerd (no native code, no network): metadata (Info dict and
 * XMP), page count, incremental-update revisions, encryption, and text from content streams
 * (FlateDecode via DecompressionStream). Garbage in gives an `error`, never an exception.
 */

import { fontFamilies, fontOutlier } from "./fonts";
import { decodeLiteral, hexString, infoPairs, xmpPairs } from "./pdf-strings";

export { decodeLiteral, parsePdfDate } from "./pdf-strings";

export interface PdfInfo {
  pages: number | null;
  revisions: number;
  prevChain: number;
  encrypted: boolean;
  metadata: Record<string, string>;
  text: string;
  error: string | null;
}

const MAX_STREAMS = 400;
const MAX_INFLATED = 8 * 1024 * 1024;
export const MAX_TEXT_CHARS = 20_000;

export function latin1(bytes: Uint8Array): string {
  let out = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

export function isPdf(bytes: Uint8Array): boolean {
  return latin1(bytes.subarray(0, 1024)).includes("%PDF-");
}

/** Inflate zlib (or raw deflate) data, capped; null when it is not valid deflate data. */
export async function inflate(data: Uint8Array, cap = MAX_INFLATED): Promise<Uint8Array | null> {
  // zlib data (checked header) may be truncated: keep what inflated. Raw deflate has no header,
  // so only a complete stream counts (garbage must not turn into text).
  return (await inflateWith("deflate", data, cap, true)) ?? (await inflateWith("deflate-raw", data, cap, false));
}

async function inflateWith(
  format: "deflate" | "deflate-raw", data: Uint8Array, cap: number, keepPartial: boolean,
): Promise<Uint8Array | null> {
  const ds = new DecompressionStream(format);
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const write = writer.write(data).then(() => writer.close()).catch(() => undefined);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch {
    // Truncated or corrupt streams still give the text inflated so far (zlib only).
    if (total === 0 || !keepPartial) {
      await write;
      return null;
    }
  }
  await write;
  const out = new Uint8Array(Math.min(total, cap));
  let off = 0;
  for (const c of chunks) {
    const n = Math.min(c.length, out.length - off);
    out.set(c.subarray(0, n), off);
    off += n;
    if (off >= out.length) break;
  }
  return out;
}

/** Text-showing operators of one content stream, with line breaks at moves and text-object ends.
 * `onChunk` receives every shown chunk with the font resource name in use (for font checks). */
export function contentText(src: string, onChunk?: (chunk: string, font: string) => void): string {
  const out: string[] = [];
  let size = 0;
  let line = "";
  let font = "";
  let lastName = "";
  const flush = () => {
    if (line.trim()) {
      const l = line.replace(/\s+/g, " ").trim();
      out.push(l);
      size += l.length + 1;
    }
    line = "";
  };
  const tokenRe = /\((?:[^()\\]|\\[\s\S]|\((?:[^()\\]|\\[\s\S])*\))*\)|<[0-9a-fA-F\s]*>|\/([A-Za-z0-9_.+-]+)|(?<![A-Za-z])(Tj|TJ|T\*|Td|TD|Tm|Tf|ET|BT|'|")(?![A-Za-z*])|(-?\d+(?:\.\d+)?)/g;
  let m: RegExpExecArray | null;
  let pending: string[] = [];
  let lastNums: number[] = [];
  while ((m = tokenRe.exec(src)) !== null) {
    const tok = m[0];
    if (tok.startsWith("(")) {
      pending.push(decodeLiteral(tok.slice(1, -1)));
    } else if (tok.startsWith("<")) {
      const s = hexString(tok.slice(1, -1));
      if (/^[\x20-\x7e]*$/.test(s)) pending.push(s);
    } else if (m[1] !== undefined) {
      lastName = m[1];
    } else if (m[3] !== undefined) {
      lastNums.push(Number(m[3]));
      if (lastNums.length > 8) lastNums = lastNums.slice(-8);
      // A large negative kern inside TJ is a word gap.
      if (Number(m[3]) < -200 && pending.length) pending.push(" ");
    } else {
      const op = m[2];
      const shown = pending.join("");
      if (op === "Tj" || op === "TJ") {
        line += shown;
      } else if (op === "'" || op === '"') {
        flush();
        line += shown;
      } else if (op === "T*" || op === "ET" || op === "BT") {
        flush();
      } else if (op === "Td" || op === "TD") {
        const ty = lastNums[lastNums.length - 1] ?? 0;
        if (Math.abs(ty) > 0.01) flush();
        else line += " ";
      } else if (op === "Tm") {
        flush();
      } else if (op === "Tf") {
        font = lastName;
      }
      if (onChunk && shown.trim() && (op === "Tj" || op === "TJ" || op === "'" || op === '"')) onChunk(shown.trim(), font);
      pending = [];
      lastNums = [];
    }
    if (size > MAX_TEXT_CHARS) break;
  }
  flush();
  return out.join("\n");
}

interface StreamScan {
  texts: Map<string, string>;
  /** Per content stream: [shown chunk, font resource name]. */
  chunks: Map<string, [string, string][]>;
  metadata: Record<string, string>;
  extraPages: number;
}

/** Text of every content stream, keyed by object number: a later revision's object replaces
 * the earlier one, so the text is the text of the newest revision. */
async function scanStreams(bytes: Uint8Array, src: string): Promise<StreamScan> {
  const scan: StreamScan = { texts: new Map(), chunks: new Map(), metadata: {}, extraPages: 0 };
  const streamRe = /(?<!end)stream\r?\n/g;
  let m: RegExpExecArray | null;
  let count = 0;
  let total = 0;
  while ((m = streamRe.exec(src)) !== null && count < MAX_STREAMS) {
    count++;
    const dictStart = src.lastIndexOf("<<", m.index);
    const dict = dictStart >= 0 ? src.slice(dictStart, m.index) : "";
    const head = /(\d+)\s+(\d+)\s+obj\s*$/.exec(src.slice(Math.max(0, dictStart - 40), Math.max(0, dictStart)));
    const key = head ? head[1] : `@${m.index}`;
    const start = m.index + m[0].length;
    let end = src.indexOf("endstream", start);
    if (end < 0) end = src.length;
    const lenMatch = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
    // Trust /Length only when `endstream` follows it (edited files often carry a stale length).
    if (lenMatch && /^\s*endstream/.test(src.slice(start + Number(lenMatch[1]), start + Number(lenMatch[1]) + 16))) {
      end = start + Number(lenMatch[1]);
    }
    streamRe.lastIndex = end;
    if (/\/Subtype\s*\/Image|\/DCTDecode|\/JPXDecode|\/FontFile|\/Length1|\/Type\s*\/XRef/.test(dict)) continue;
    let body: string;
    if (/\/FlateDecode/.test(dict)) {
      const inflated = await inflate(bytes.subarray(start, end));
      if (!inflated) continue;
      body = latin1(inflated);
    } else if (/\/Filter/.test(dict)) {
      continue;
    } else {
      body = src.slice(start, end);
    }
    if (/\/Type\s*\/ObjStm/.test(dict)) {
      infoPairs(body, scan.metadata);
      scan.extraPages += (body.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
      continue;
    }
    if (/\/Type\s*\/Metadata|<x:xmpmeta|<\?xpacket/.test(dict + body.slice(0, 200))) {
      xmpPairs(body, scan.metadata);
      continue;
    }
    if (/\b(BT|Tj|TJ)\b/.test(body)) {
      const chunks: [string, string][] = [];
      const t = contentText(body, (chunk, font) => {
        if (chunks.length < 2000) chunks.push([chunk.slice(0, 80), font]);
      });
      scan.texts.set(key, t);
      scan.chunks.set(key, chunks);
      total += t.length;
    }
    if (total > MAX_TEXT_CHARS * 2) break;
  }
  return scan;
}

/**
 * The text in page order: the content streams that the newest version of each page object
 * references (an incremental update may point a page at a new stream); every stream's text when
 * the pages cannot be resolved (e.g. pages inside compressed object streams).
 */
function joinTexts(scan: StreamScan, src: string): string {
  const pages = new Map<string, string>();
  const objRe = /(\d+)\s+\d+\s+obj\b([\s\S]{0,20000}?)endobj/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = objRe.exec(src)) !== null && n++ < 20000) {
    const body = m[2].split(/\bstream\r?\n/)[0];
    if (/\/Type\s*\/Page(?![a-zA-Z])/.test(body)) pages.set(m[1], body);
  }
  const parts: string[] = [];
  for (const body of pages.values()) {
    const single = /\/Contents\s+(\d+)\s+\d+\s+R/.exec(body);
    const array = /\/Contents\s*\[([^\]]*)\]/.exec(body);
    const refs = single ? [single[1]] : array ? [...array[1].matchAll(/(\d+)\s+\d+\s+R/g)].map((r) => r[1]) : [];
    for (const ref of refs) {
      const t = scan.texts.get(ref);
      if (t) parts.push(t);
    }
  }
  const all = parts.length ? parts : [...scan.texts.values()];
  return all.filter(Boolean).join("\n").slice(0, MAX_TEXT_CHARS);
}

/** Lines of the newest text that the earlier revision did not have (at most 3, for evidence). */
function changedLines(newer: string, older: string): string[] {
  const before = new Set(older.split("\n").map((l) => l.trim()));
  return newer.split("\n").map((l) => l.trim()).filter((l) => l && !before.has(l)).slice(0, 3);
}

export async function readPdf(bytes: Uint8Array): Promise<PdfInfo> {
  const info: PdfInfo = { pages: null, revisions: 0, prevChain: 0, encrypted: false, metadata: {}, text: "", error: null };
  try {
    const src = latin1(bytes);
    if (!src.slice(0, 1024).includes("%PDF-")) {
      info.error = "corrupt";
      return info;
    }
    const eofs = [...src.matchAll(/%%EOF/g)].map((x) => x.index ?? 0);
    const linearized = /\/Linearized/.test(src.slice(0, 2048));
    info.revisions = Math.max(eofs.length, (src.match(/startxref/g) ?? []).length);
    if (linearized && info.revisions > 1) info.revisions--;
    info.prevChain = (src.match(/\/Prev\s+\d+/g) ?? []).length;
    info.encrypted = /\/Encrypt\s+(\d+\s+\d+\s+R|<<)/.test(src);
    const pageMatches = src.match(/\/Type\s*\/Page(?![a-zA-Z])/g);
    infoPairs(src, info.metadata);
    xmpPairs(src, info.metadata);
    if (info.encrypted) {
      info.error = "encrypted";
      info.pages = pageMatches ? pageMatches.length : null;
      return info;
    }
    const scan = await scanStreams(bytes, src);
    Object.assign(info.metadata, scan.metadata);
    const pages = (pageMatches?.length ?? 0) + scan.extraPages;
    info.pages = pages > 0 ? pages : null;
    info.text = joinTexts(scan, src);
    const outlier = fontOutlier([...scan.chunks.values()].flat(), fontFamilies(src));
    if (outlier) [info.metadata.font_outlier, info.metadata.font_outlier_strength] = outlier;
    if (info.revisions === 0) info.error = "corrupt";
    if (info.revisions > 1 && !linearized && eofs.length >= 2) {
      // The revision before the last one: the file truncated after its %%EOF.
      const cut = eofs[eofs.length - 2] + 5;
      const older = joinTexts(await scanStreams(bytes.subarray(0, cut), src.slice(0, cut)), src.slice(0, cut));
      const norm = (t: string) => t.replace(/\s+/g, " ").trim();
      if (norm(older) === norm(info.text)) info.metadata.earlier_revision = "same text";
      else {
        info.metadata.earlier_revision = "differs";
        info.metadata.revision_changes = changedLines(info.text, older).join(" | ").slice(0, 300);
      }
    }
  } catch {
    info.error = "corrupt";
  }
  return info;
}
