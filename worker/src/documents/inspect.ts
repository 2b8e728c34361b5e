/**
 * One document's facts from its bytes: format by magic bytes, hashes, PDF metadata/text/revisions,
 * the kind of document from its content, and the figures the rules provider reads from the text.
 * Never carries bytes; text is capped so that step results stay small.
 */
import { md5Hex, sha256Hex } from "../util";
import { isPdf, latin1, MAX_TEXT_CHARS, readPdf } from "./pdf";
import { extractFigures, type Figures } from "./figures";
import { buildLines, layoutText, readDocument } from "./layout";
import { compareRevisions } from "./revisions";
import { pdfWords, type PageWords } from "./words";

export const STEP_TEXT_CHARS = 6000;
const INFO_KEYS: [string, string][] = [
  ["Producer", "producer"], ["Creator", "creator"], ["CreationDate", "creation_date"], ["ModDate", "mod_date"],
  ["Author", "author"], ["Title", "title"],
];

export interface FileRow {
  id: string;
  file_name: string;
  file_type: string;
  r2_key: string;
  sha256: string;
  mime_type: string | null;
}

export interface DocumentFacts extends Figures {
  file_id: string;
  file_name: string;
  declared_type: string;
  detected_format: string;
  kind: string;
  sha256: string;
  md5: string;
  size: number;
  pages: number | null;
  text: string;
  metadata: Record<string, string>;
  revisions: number;
  error: string | null;
  error_message: string | null;
  r2_key: string;
  name_on_document?: string | null;
}

/** The person a document names, from common labels ("Employee:", "Account Holder:", "Name:"). */
export function nameOnDocument(text: string): string | null {
  const letter = /(?:confirms?|certif(?:y|ies)|verif(?:y|ies)|attests?)\s+that\s+(?:(?:Mr|Ms|Mrs|Mx|Dr|Miss)\.?\s+)?([A-ZÀ-Ý][\w'’.\-]+(?:\s+[A-ZÀ-Ý][\w'’.\-]*){0,3})\s*,?\s+(?:has|is|was|\(|began|started|joined|holds)/.exec(text);
  if (letter) return letter[1].slice(0, 120);
  const m = /^\s*(?:employee(?:\s+name)?|account\s+holder|name|customer|prepared\s+for|client)\s*[:#]\s*(.+?)\s*$/im.exec(text);
  if (!m) return null;
  const name = m[1].replace(/\s{2,}.*$|\s+(?:employee\s*(?:id|#|no\.?|number)|emp\.?\s*(?:id|no\.?)|id|sin|account|acct|dept|department)\b.*$/i, "").trim();
  return /[A-Za-zÀ-ÿ]/.test(name) ? name.slice(0, 120) : null;
}

export function detectFormat(bytes: Uint8Array): string {
  const b = bytes;
  if (b.length >= 4 && isPdf(b)) return "pdf";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "gif";
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a)) return "tiff";
  if (latin1(b.subarray(0, 4)) === "RIFF" && latin1(b.subarray(8, 12)) === "WEBP") return "webp";
  const head = b.subarray(0, 512);
  let printable = 0;
  for (const x of head) if (x === 9 || x === 10 || x === 13 || (x >= 32 && x < 127) || x >= 0xc2) printable++;
  if (head.length > 0 && printable / head.length > 0.95) return "text";
  return "unknown";
}

const KIND_PATTERNS: [string, RegExp][] = [
  ["paystub", /\b(pay\s*stub|pay statement|earnings statement|gross pay|net pay|pay period)\b/i],
  ["bank_statement", /\b(bank statement|account statement|opening balance|closing balance|statement period)\b/i],
  ["employment_letter", /\b(employment (letter|verification|confirmation)|to whom it may concern|is employed|has been employed)\b/i],
  ["tax_return", /\b(notice of assessment|tax return|t4 |form 1040|total income)\b/i],
  ["public_assistance", /\b(ontario works|odsp|disability support program|social assistance|income assistance)\b/i],
  ["government_id", /\b(driver'?s licen[cs]e|passport|date of birth|identification card)\b/i],
];

const EXTENSIONS: Record<string, string> = {
  pdf: "pdf", jpg: "jpeg", jpeg: "jpeg", png: "png", gif: "gif", tif: "tiff", tiff: "tiff", webp: "webp", txt: "text", csv: "text",
};

/** The format a file name claims by its extension, or null. */
export function formatFromName(name: string): string | null {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(name.trim());
  return m ? EXTENSIONS[m[1].toLowerCase()] ?? null : null;
}

export function isMislabelled(name: string, detected: string): boolean {
  const claimed = formatFromName(name);
  if (claimed === null || detected === "unknown") return false;
  if (claimed === "text") return detected !== "text";
  return claimed !== detected;
}

export function classify(text: string, declared: string): string {
  for (const [kind, re] of KIND_PATTERNS) if (re.test(text)) return kind;
  return declared || "other";
}

/** Read the EXIF `Software` tag (0x0131) of a JPEG, if present. */
export function exifSoftware(b: Uint8Array): string | null {
  try {
    let i = 2;
    while (i + 4 < b.length && b[i] === 0xff) {
      const marker = b[i + 1];
      const len = (b[i + 2] << 8) | b[i + 3];
      if (marker === 0xe1 && latin1(b.subarray(i + 4, i + 8)) === "Exif") {
        const t = i + 10;
        const le = b[t] === 0x49;
        const u16 = (o: number) => (le ? b[t + o] | (b[t + o + 1] << 8) : (b[t + o] << 8) | b[t + o + 1]);
        const u32 = (o: number) => (le ? (u16(o) | (u16(o + 2) << 16)) >>> 0 : ((u16(o) << 16) | u16(o + 2)) >>> 0);
        const ifd = u32(4);
        const n = u16(ifd);
        for (let k = 0; k < n && k < 200; k++) {
          const e = ifd + 2 + k * 12;
          if (u16(e) === 0x0131) {
            const count = u32(e + 4);
            const off = count <= 4 ? e + 8 : u32(e + 8);
            return latin1(b.subarray(t + off, t + off + Math.min(count, 200))).replace(/\0+$/, "").trim() || null;
          }
        }
        return null;
      }
      if (marker === 0xda) break;
      i += 2 + len;
    }
  } catch {
    return null;
  }
  return null;
}

export async function inspectDocument(file: FileRow, bytes: Uint8Array | null): Promise<DocumentFacts> {
  const base: DocumentFacts = {
    file_id: file.id, file_name: file.file_name, declared_type: file.file_type, detected_format: "unknown",
    kind: file.file_type || "other", sha256: file.sha256, md5: "", size: 0, pages: null, text: "", metadata: {},
    revisions: 1, error: null, error_message: null, r2_key: file.r2_key,
  };
  if (bytes === null) {
    return { ...base, error: "missing", error_message: "The file is listed but its content is not in storage." };
  }
  base.size = bytes.length;
  const [sha, md5] = await Promise.all([sha256Hex(bytes), md5Hex(bytes)]);
  base.sha256 = sha;
  base.md5 = md5;
  if (bytes.length === 0) return { ...base, error: "empty", error_message: "The file is empty." };
  base.detected_format = detectFormat(bytes);
  let pages: PageWords[] = [];
  if (base.detected_format === "pdf") {
    // pdf.js reads the words and their boxes; the own reader keeps what pdf.js does not give
    // (revisions and the earlier revision's text, metadata, fonts) and is the text fallback.
    const [pdf, words] = await Promise.all([readPdf(bytes), pdfWords(bytes)]);
    pages = pdf.error ? [] : words?.pages ?? [];
    const layout = layoutText(buildLines(pages));
    base.pages = pdf.pages;
    base.metadata = pdf.metadata;
    base.revisions = Math.max(pdf.revisions, 1);
    base.text = layout.trim() ? layout.slice(0, MAX_TEXT_CHARS) : pdf.text;
    if (words && !pdf.error && base.pages === null) base.pages = words.pageCount;
    // The earlier revision read the same way as the newest one (the own reader's comparison
    // stays for files pdf.js gives no words for).
    if (layout.trim() && base.revisions > 1 && words) {
      await compareRevisions(bytes, layoutText(buildLines(words.drawn)), base.metadata);
    }
    // pdf.js follows the newest trailer to its Info dictionary (which may sit in a compressed
    // object stream of an incremental update): its values win over the own reader's scan.
    for (const [key, name] of INFO_KEYS) {
      const value = words?.info[key];
      if (value) base.metadata[name] = value;
    }
    if (pdf.error) {
      base.error = pdf.error;
      base.error_message = pdf.error === "encrypted"
        ? "The PDF is password-protected; ask for an unprotected copy."
        : "The PDF could not be read (damaged or not a PDF).";
    }
  } else if (base.detected_format === "text") {
    base.text = new TextDecoder("utf-8").decode(bytes.subarray(0, MAX_TEXT_CHARS * 4)).slice(0, MAX_TEXT_CHARS);
  } else if (base.detected_format === "jpeg") {
    const sw = exifSoftware(bytes);
    if (sw) base.metadata.exif_software = sw;
  } else if (base.detected_format === "unknown") {
    base.error = "unsupported";
    base.error_message = "The file type is not supported (expected PDF, image or text).";
  }
  if (!base.error && isMislabelled(file.file_name, base.detected_format)) {
    base.metadata.claimed_format = String(formatFromName(file.file_name));
    base.error = "mislabelled";
    base.error_message = `Named as ${base.metadata.claimed_format}, content is ${base.detected_format} (by its first bytes).`;
  }
  if (base.text) {
    base.kind = classify(base.text, file.file_type);
    base.name_on_document = nameOnDocument(base.text);
    Object.assign(base, extractFigures(base.text, base.kind));
    if (pages.length) readDocument(base, pages, classify);
  }
  base.text = base.text.slice(0, STEP_TEXT_CHARS);
  return base;
}
