/**
 * What an incremental update changed, read through pdf.js (same rules as pdf_extract.py's
 * `text_changes` / `change_kind`): the earlier revision is the file cut after its second-to-last
 * `%%EOF`, complete and readable on its own; its text lines are compared with the newest ones.
 */
import { buildLines, layoutText } from "./layout";
import { latin1 } from "./pdf";
import { pdfWords } from "./words";

const SIGNATURE = /digitally\s+signed|signed\s+by|signature|e-?signed|docusign|adobe\s+sign|^added:\s*(?:reason|location|date)\s*:/i;

/** The bytes of the revision before the last one, or null (one revision, or a linearized file
 * whose first `%%EOF` only ends its first-page section). */
export function earlierRevision(bytes: Uint8Array): Uint8Array | null {
  const src = latin1(bytes);
  if (/\/Linearized/.test(src.slice(0, 2048))) return null;
  const eofs = [...src.matchAll(/%%EOF/g)].map((m) => m.index ?? 0);
  if (eofs.length < 2) return null;
  let end = eofs[eofs.length - 2] + 5;
  while (end < src.length && (src[end] === "\r" || src[end] === "\n")) end++;
  return bytes.subarray(0, end);
}

function label(line: string): string {
  const m = /^([A-Za-z][A-Za-z ./#&-]{1,40}?)\s*[:]?\s*(?=[-$(\d])/.exec(line);
  return m ? m[1].trim() : "";
}

/** Lines that changed between revisions, paired by their label: "Net Pay: $2,100.00 → $4,100.00". */
export function textChanges(older: string, newer: string, limit = 8): string[] {
  const lines = (t: string) => t.split("\n").map((l) => l.trim()).filter(Boolean);
  const [oldLines, newLines] = [lines(older), lines(newer)];
  const [oldSet, newSet] = [new Set(oldLines), new Set(newLines)];
  const removed = oldLines.filter((l) => !newSet.has(l));
  const added = newLines.filter((l) => !oldSet.has(l));
  const out: string[] = [];
  for (const line of removed) {
    const key = label(line);
    const k = key ? added.findIndex((a) => label(a) === key) : -1;
    if (k >= 0) {
      const [partner] = added.splice(k, 1);
      out.push(`${line} → ${partner.slice(key.length).replace(/^[ :]+|[ :]+$/g, "")}`);
    } else out.push(`removed: ${line}`);
  }
  out.push(...added.map((l) => `added: ${l}`));
  return out.slice(0, limit);
}

/** `changed` (text replaced or removed), `signature` (only a signature stamp added) or `added`. */
export function changeKind(changes: string[]): string {
  if (changes.some((c) => !c.startsWith("added: "))) return "changed";
  if (changes.every((c) => SIGNATURE.test(c))) return "signature";
  return "added";
}

/** Compare the newest text with the earlier revision's, read the same way; sets the metadata the
 * incremental_revision signal reads. False when the earlier revision gives no words. Both texts
 * keep overdrawn words, as the desktop app's plain text extraction does: a figure drawn over an
 * old one is text added (medium), text rewritten in place is text changed (high). */
export async function compareRevisions(bytes: Uint8Array, newest: string, metadata: Record<string, string>): Promise<boolean> {
  const earlier = earlierRevision(bytes);
  if (!earlier || !newest.trim()) return false;
  const words = await pdfWords(earlier);
  if (!words || !words.pages.some((p) => p.words.length)) return false;
  const changes = textChanges(layoutText(buildLines(words.drawn)), newest, 10_000);
  delete metadata.revision_changes;
  delete metadata.revision_change_kind;
  metadata.earlier_revision = changes.length ? "differs" : "same text";
  if (changes.length) {
    metadata.revision_changes = changes.slice(0, 8).join("; ").slice(0, 1000);
    metadata.revision_change_kind = changeKind(changes);
  }
  return true;
}
