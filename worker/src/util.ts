/** Small shared helpers: clock, ids, hashing, JSON columns. */

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** ISO-8601 UTC with 'Z' (the schema's timestamp format). */
export function isoNow(clock: Clock = systemClock): string {
  return clock().toISOString();
}

/** YYYY-MM of a date, in UTC. */
export function monthOf(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** First day of the month after `month` (YYYY-MM) as YYYY-MM-DD. */
export function resetDate(month: string): string {
  const [y, m] = month.split("-").map(Number);
  const next = new Date(Date.UTC(y, m, 1));
  return next.toISOString().slice(0, 10);
}

export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replace(/-/g, "")}`;
}

export function toHex(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
  return out;
}

export async function sha256Hex(data: ArrayBuffer | Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

/** MD5 (workerd's WebCrypto supports it; used only as a secondary file fingerprint). */
export async function md5Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest("MD5", data));
}

/** Parse a JSON text column, falling back when it is absent or malformed. */
export function parseJsonColumn<T>(text: unknown, fallback: T): T {
  if (typeof text !== "string" || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

// Tier quotas, lead statuses, labels and step names are the shared spec's (src/spec.ts).
export { LABELS, LEAD_STATUSES, TIERS, WORKFLOW_STEPS } from "./spec";

export const FILE_TYPES = [
  "government_id", "paystub", "bank_statement", "tax_return", "employment_letter", "other",
] as const;
export const RECOMMENDATIONS = [
  "approve", "approve_with_conditions", "approve_with_verification", "reject",
] as const;
