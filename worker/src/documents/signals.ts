/**
 * Byte-level and arithmetic signals over a lead's documents, with the same codes and severities as
 * the Python detectors: file_reused, editing_software, date_mismatch, incremental_revision,
 * paystub_arithmetic, withholding_mismatch (statutory.ts), read errors. Most severe first.
 */
import type { Signal } from "../scoring";
import { sha256Hex } from "../util";
import { bankBalanceMismatch, ytdDiscontinuity } from "./arithmetic";
import { implausibleIncome, incomeMismatch, nameMatch, nameMismatch, type Applicant } from "./identity";
import type { DocumentFacts } from "./inspect";
import { parsePdfDate } from "./pdf";
import { withholdingMismatch } from "./statutory";
import { unreadKeyFacts } from "../ai/rules";

const HIGH_EDITORS = new RegExp(
  String.raw`photoshop|\bgimp\b|paint\.net|pixelmator|affinity\s+(?:photo|designer)|\bcanva\b` +
    String.raw`|corel\s*(?:draw|photo-?paint)|inkscape|sejda|pdfescape|pdffiller|smallpdf|ilovepdf` +
    String.raw`|pdf\s*candy|dochub|pdf-?xchange\s+editor|foxit\s+(?:phantompdf|pdf\s+editor)` +
    String.raw`|nitro\s+(?:pro|pdf)|pdfelement|wondershare|formswift|soda\s*pdf|pdf\s*buddy|apowerpdf` +
    String.raw`|online\s+pdf\s+editor|pdf\s+editor|photopea|fotor|picsart`,
  "i",
);
const MEDIUM_EDITORS = /acrobat\s+(?:pro|standard)|adobe\s+acrobat\s+\d|lightroom|snapseed|facetune/i;
const NOT_EDITORS = /distiller|pdfmaker|paper\s+capture|acrobat\s+reader/i;
const FIELDS: [string, string][] = [
  ["producer", "Producer"], ["creator", "Creator"], ["xmp_creator_tool", "XMP CreatorTool"],
  ["xmp_producer", "XMP Producer"], ["exif_software", "EXIF Software"],
];
const DATE_GAP_DAYS = 1;

const READ_ERRORS: Record<string, [string, string, string]> = {
  corrupt: ["document_unreadable", "medium", "The file is damaged; ask for a new copy."],
  missing: ["document_unreadable", "medium", "The file's content is missing from storage; ask for a new copy."],
  encrypted: ["document_encrypted", "low", "The file is password-protected; ask for an unprotected copy."],
  empty: ["document_empty", "low", "The file is empty; ask the applicant to upload it again."],
  unsupported: ["unsupported_format", "low", "This file type cannot be analysed; ask for a PDF, JPEG or PNG."],
  mislabelled: ["document_mislabelled", "low", "The file's name does not match its content; it was analysed as what it really is."],
};

const sig = (code: string, severity: string, doc: DocumentFacts, evidence: string, message: string): Signal =>
  ({ code, severity, document: doc.file_name, evidence, message });

export function editingSoftware(doc: DocumentFacts): Signal[] {
  const high: string[] = [];
  const medium: string[] = [];
  for (const [key, label] of FIELDS) {
    const value = doc.metadata[key];
    if (!value || NOT_EDITORS.test(value)) continue;
    const quoted = `${label}: "${value}"`;
    if (HIGH_EDITORS.test(value)) high.push(quoted);
    else if (MEDIUM_EDITORS.test(value)) medium.push(quoted);
  }
  if (!high.length && !medium.length) return [];
  return [sig("editing_software", high.length ? "high" : "medium", doc, [...new Set([...high, ...medium])].join("; "),
    "The file was last written by software used to edit documents or images; check it against an original from the issuer.")];
}

export function dateMismatch(doc: DocumentFacts): Signal[] {
  const c = parsePdfDate(doc.metadata.creation_date ?? doc.metadata.xmp_create_date);
  const m = parsePdfDate(doc.metadata.mod_date ?? doc.metadata.xmp_modify_date);
  if (!c || !m) return [];
  const gap = (Date.parse(m) - Date.parse(c)) / 86_400_000;
  if (gap > DATE_GAP_DAYS) {
    return [sig("date_mismatch", "medium", doc, `Created ${c}, modified ${m} (${Math.round(gap)} days later).`,
      "The file was changed well after it was created; generated statements and pay stubs are normally never modified.")];
  }
  if (gap < -DATE_GAP_DAYS) {
    return [sig("date_mismatch", "low", doc, `Modified ${m} before it was created ${c}.`, "The file's dates are inconsistent.")];
  }
  return [];
}

const CHANGE_KINDS: Record<string, [string, string]> = {
  changed: ["high", "the visible text changed"],
  added: ["medium", "text was added"],
  signature: ["low", "only a signature stamp was added"],
};

export function incrementalRevision(doc: DocumentFacts): Signal[] {
  if (doc.detected_format !== "pdf" || doc.revisions <= 1) return [];
  const state = doc.metadata.earlier_revision;
  if (state === "differs") {
    const [severity, what] = CHANGE_KINDS[doc.metadata.revision_change_kind ?? "changed"] ?? CHANGE_KINDS.changed;
    return [sig("incremental_revision", severity, doc,
      `${doc.revisions} revisions; text changed since the earlier revision: ${doc.metadata.revision_changes ?? ""}`,
      `The PDF was edited after it was first produced and ${what}.`)];
  }
  const detail = state === "same text"
    ? "the earlier revision has the same text (e.g. a signature or form fill)"
    : "the earlier revision could not be compared";
  return [sig("incremental_revision", "low", doc, `${doc.revisions} revisions; ${detail}.`, "The PDF was saved more than once.")];
}

export function fontMismatch(doc: DocumentFacts): Signal[] {
  const evidence = doc.metadata.font_outlier;
  if (!evidence) return [];
  return [sig("font_mismatch", doc.metadata.font_outlier_strength === "labelled" ? "medium" : "low", doc, evidence,
    "One amount is set in a different font from every other figure, as happens when a number is retyped in an editor.")];
}

export function paystubArithmetic(doc: DocumentFacts): Signal[] {
  const s = doc.pay_stub;
  if (!s || s.gross === null || s.net === null) return [];
  if (s.deductions === null) {
    if (s.net <= s.gross + 0.015) return [];
    return [sig("paystub_arithmetic", "high", doc, `Net pay ${s.net.toFixed(2)} is larger than gross pay ${s.gross.toFixed(2)}.`,
      "Net pay can never exceed gross pay.")];
  }
  const expected = s.gross - Math.abs(s.deductions);
  if (Math.abs(expected - s.net) > 1) {
    return [sig("paystub_arithmetic", "high", doc,
      `Gross ${s.gross.toFixed(2)} − deductions ${Math.abs(s.deductions).toFixed(2)} = ${expected.toFixed(2)}, but net pay shows ${s.net.toFixed(2)}.`,
      "The pay stub's figures do not add up.")];
  }
  return [];
}

export function readErrorSignals(doc: DocumentFacts): Signal[] {
  if (!doc.error) return [];
  const [code, severity, message] = READ_ERRORS[doc.error] ?? ["document_unreadable", "medium", "The file could not be analysed."];
  return [sig(code, severity, doc, doc.error_message ?? doc.error, message)];
}

/**
 * `reused`: sha256 → other lead ids of the same site that submitted the identical file. High, or
 * medium when the document names this applicant (a joint account or co-applicant can explain one
 * file on two applications; the other applicant gets the high one).
 */
export function fileReused(docs: DocumentFacts[], reused: Record<string, string[]>, lead: Applicant | null = null): Signal[] {
  const out: Signal[] = [];
  for (const doc of docs) {
    if (!doc.sha256 || doc.size === 0) continue; // every empty upload has the same hash
    const others = [...new Set(reused[doc.sha256] ?? [])].sort();
    if (!others.length) continue;
    const own = Boolean(lead && doc.name_on_document &&
      nameMatch(lead.first_name ?? "", lead.last_name ?? "", doc.name_on_document).every(Boolean));
    let evidence = `The identical file (sha256 ${doc.sha256.slice(0, 12)}…) was also submitted for ${others.length} other applicant(s): ${others.slice(0, 5).join(", ")}.`;
    if (own) evidence += ` It names this applicant ("${doc.name_on_document}").`;
    out.push(sig("file_reused", own ? "medium" : "high", doc, evidence, "The same document was submitted by different applicants."));
  }
  return out;
}

/** A pay stub, statement or letter whose key figures could not be read is named, never silent. */
export function keyFactUnread(doc: DocumentFacts): Signal[] {
  const missing = unreadKeyFacts(doc);
  if (!missing.length) return [];
  const kind = (doc.kind !== "other" ? doc.kind : doc.declared_type).replace(/_/g, " ");
  return [sig("key_fact_unread", "low", doc, `Could not read the ${missing.join(", ")} on ${doc.file_name} (${kind}).`,
    "Its figures could not be checked or used to verify anything; ask for a clearer copy or check it by hand.")];
}

const ORDER: Record<string, number> = { high: 0, medium: 1, low: 2 };

export function detectSignals(docs: DocumentFacts[], reused: Record<string, string[]>, lead: Applicant | null = null): Signal[] {
  const out: Signal[] = [];
  for (const d of docs) out.push(...readErrorSignals(d));
  for (const d of docs) {
    out.push(...editingSoftware(d), ...dateMismatch(d), ...incrementalRevision(d), ...paystubArithmetic(d), ...withholdingMismatch(d), ...bankBalanceMismatch(d), ...fontMismatch(d), ...keyFactUnread(d));
  }
  out.push(...ytdDiscontinuity(docs));
  if (lead) out.push(...nameMismatch(lead, docs), ...incomeMismatch(lead, docs), ...implausibleIncome(lead, docs));
  out.push(...fileReused(docs, reused, lead));
  return out
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (ORDER[a.s.severity] ?? 3) - (ORDER[b.s.severity] ?? 3) || a.i - b.i)
    .map(({ s }) => s);
}

/** sha256 over the sorted file hashes joined by newlines ('' without files), as in Python. */
export async function documentFingerprint(hashes: string[]): Promise<string> {
  const ordered = hashes.filter(Boolean).sort();
  return ordered.length ? sha256Hex(ordered.join("\n")) : "";
}
