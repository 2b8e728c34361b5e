/**
 * Defensive parsing of a model's answer (same decisions as screening/providers/parse.py):
 * JSON is found inside code fences or prose (first balanced {...} that parses; trailing commas
 * forgiven); numbers given as text are read; out-of-range values are dropped; shares clamped;
 * model signals are capped at `medium` and unknown codes become `model_flag:<slug>` (low);
 * score/label/recommendation in the answer are ignored. No usable object → ModelOutputError.
 */
import type { Signal } from "../scoring";
import { MODEL_SIGNAL_CODES, SPEC } from "../spec";

export class ModelOutputError extends Error {}

// Codes offered to the model: the shared spec's signals marked `model` (the same list Python uses).
export { MODEL_SIGNAL_CODES };
const SEVERITY_WORDS: Record<string, string> = {
  low: "low", minor: "low", info: "low", informational: "low",
  medium: "medium", moderate: "medium", warning: "medium", med: "medium",
  high: "high", severe: "high", critical: "high", major: "high",
};
const NUMERIC: Record<string, [number, number, "reject" | "clamp"]> = {
  verified_monthly_income: [0, 1_000_000, "reject"],
  public_assistance_monthly: [0, 100_000, "reject"],
  employment_months: [0, 720, "reject"],
  average_bank_balance: [-10_000_000, 100_000_000, "reject"],
  negative_balance_days: [0, 10_000, "reject"],
  application_fields_complete: [0, 1, "clamp"],
};
const MAX_TEXT = 2000;

export interface ModelOutput {
  facts: Record<string, number>;
  signals: Signal[];
  summary: string | null;
  notes: string[];
}

export function balancedObjects(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  let esc = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (ch === "\\") esc = true;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === "}" && depth > 0) {
      depth--;
      if (depth === 0) spans.push(text.slice(start, i + 1));
    }
  }
  return spans;
}

function findObject(text: string): Record<string, unknown> | null {
  const candidates: string[] = [];
  for (const m of text.matchAll(/```[a-zA-Z0-9_-]*\s*\n?([\s\S]*?)```/g)) candidates.push(...balancedObjects(m[1]));
  candidates.push(...balancedObjects(text));
  for (const c of candidates) {
    for (const variant of [c, c.replace(/,(\s*[}\]])/g, "$1")]) {
      try {
        const v = JSON.parse(variant);
        if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
      } catch {
        // next
      }
    }
  }
  return null;
}

export function readNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string") return null;
  const m = /^\s*(?:[A-Z]{3}\s*)?\$?\s*(-?[\d,]+(?:\.\d+)?)\s*(?:[A-Z]{3})?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 40) || "flag";
}

export function parseModelOutput(text: string): ModelOutput {
  if (typeof text !== "string" || !text.trim()) throw new ModelOutputError("The AI answer was empty.");
  const obj = findObject(text.slice(0, 200_000));
  if (!obj) throw new ModelOutputError(`The AI answer contained no JSON object (it began: ${JSON.stringify(text.slice(0, 80))}).`);
  const rawFacts = obj.facts;
  const rawSignals = obj.signals;
  if ((rawFacts === undefined || typeof rawFacts !== "object" || rawFacts === null) && !Array.isArray(rawSignals)) {
    throw new ModelOutputError("The AI answer's JSON has neither 'facts' nor 'signals'.");
  }
  const out: ModelOutput = { facts: {}, signals: [], summary: null, notes: [] };
  if (rawFacts && typeof rawFacts === "object" && !Array.isArray(rawFacts)) {
    for (const [key, value] of Object.entries(rawFacts as Record<string, unknown>)) {
      const range = NUMERIC[key];
      if (!range || value === null) continue;
      const n = readNumber(value);
      if (n === null) {
        out.notes.push(`facts.${key}: not a number, dropped`);
        continue;
      }
      const [lo, hi, mode] = range;
      if (n < lo || n > hi) {
        if (mode === "clamp") out.facts[key] = Math.min(Math.max(n, lo), hi);
        else out.notes.push(`facts.${key}: ${n} out of range, dropped`);
        continue;
      }
      out.facts[key] = n;
    }
  }
  if (Array.isArray(rawSignals)) {
    for (const s of rawSignals.slice(0, 50)) {
      if (!s || typeof s !== "object") continue;
      const r = s as Record<string, unknown>;
      if (typeof r.code !== "string" || !r.code.trim()) continue;
      let severity = SEVERITY_WORDS[String(r.severity ?? "low").toLowerCase()] ?? "low";
      let code = r.code.trim();
      if (MODEL_SIGNAL_CODES.has(code)) {
        if (severity === "high") severity = SPEC.model_max_severity;
      } else {
        code = `${SPEC.model_flag_prefix}${slug(code)}`;
        severity = "low";
      }
      out.signals.push({
        code, severity,
        document: typeof r.document === "string" ? r.document.slice(0, 255) : null,
        evidence: typeof r.evidence === "string" ? r.evidence.slice(0, MAX_TEXT) : "",
        message: "Reported by the AI model.",
      });
    }
  }
  if (typeof obj.summary === "string" && obj.summary.trim()) out.summary = obj.summary.trim().slice(0, MAX_TEXT);
  return out;
}
