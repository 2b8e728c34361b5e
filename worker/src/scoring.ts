/**
 * The screening policy interpreter, ported from leaselab_desktop/screening/scoring.py.
 * It reads the ONE policy file (resources/policy/policy.json, bundled at build time through this
 * relative import) and turns facts + signals into factors, score, label and recommendation.
 * The golden vectors in resources/policy/vectors.json pin both implementations (see test/vectors.test.ts).
 */
import policyJson from "../../resources/policy/policy.json";
import {
  ceilMoney, EPS, fill, MEASURES, fmtMoney, fmtNum, fmtPct, fmtTimes, measure, positive, roundHalfUp, SOURCES,
  type ApplicantFacts, type Measure,
} from "./measures";
import { complianceNotes } from "./notes";

export { fmtMoney, fmtNum, measure, roundHalfUp, type ApplicantFacts } from "./measures";

export const SEVERITIES = ["low", "medium", "high"] as const;


export interface Signal {
  code: string;
  severity: string;
  document?: string | null;
  evidence?: string;
  message?: string;
}

export interface Factor {
  code: string;
  points: number;
  max_points: number;
  explanation: string;
  source: string | null;
  standard: string | null;
}

export interface ScoreResult {
  score: number;
  label: string;
  recommendation: string;
  factors: Factor[];
  what_would_change: string[];
  compliance_notes: string[];
  summary: string;
  risk_flags: string[];
  fraud_signals: string[];
  policy_version: string;
}

interface Band { min?: number; max?: number; points: number }
interface Adjustment { measure: Measure; min: number; points: number; explanation?: string; improve?: string }
interface FactorBase { code: string; title: string; max_points: number; standard?: string }
export interface BandsFactor extends FactorBase {
  type: "bands"; measure: Measure; bands: Band[]; adjustments?: Adjustment[]; unverified_multiplier?: number;
  missing_points?: number; explanation?: string; missing_explanation?: string; improve?: string;
  verify_hint?: string; missing_hint?: string; unverified_explanation?: string;
}
interface DocumentItem { any_of: string[]; points: number; name: string; ask: string }
interface DocumentsFactor extends FactorBase { type: "documents"; items: DocumentItem[]; unreadable_penalty?: number }
interface SignalsFactor extends FactorBase { type: "signals"; penalties: Record<string, number>; caps?: Record<string, number> }
type FactorRule = BandsFactor | DocumentsFactor | SignalsFactor;
interface Condition {
  label_in?: string[] | null;
  assume?: { best_band?: string[]; ignore_severities?: string[] } | null;
  signals_at_least?: { severity: string; count: number } | null;
  factor_below?: { code: string; fraction: number } | null;
  measure?: (Measure & { above?: number | null; at_least?: number | null; below?: number | null }) | null;
}
export interface Rule { when: Condition; recommendation: string; reason?: string }
export interface Profile { title: string; description?: string; factors: FactorRule[]; recommendation_rules: Rule[]; compliance_notes?: string[]; regions?: string[] }
export interface Policy {
  schema: number; version: string; labels: { label: string; min_score: number; meaning?: string }[];
  severity_order: string[]; adverse_fraction: number; readability_codes?: string[]; profiles: Record<string, Profile>;
}

export class PolicyError extends Error {}

/** Structural checks mirroring the Python validator's essentials; a broken policy fails loudly. */
export function validatePolicy(data: unknown): Policy {
  const p = data as Policy;
  const fail = (m: string): never => {
    throw new PolicyError(`invalid policy: ${m}`);
  };
  if (!p || typeof p !== "object") fail("not an object");
  if (p.schema !== 1) fail(`schema ${String(p.schema)} is not supported (this worker reads 1)`);
  if (!p.version) fail("version is missing");
  if (!Array.isArray(p.labels) || p.labels.length === 0) fail("labels are missing");
  const mins = p.labels.map((b) => b.min_score);
  if (mins.some((m, i) => i > 0 && m > mins[i - 1]) || mins[mins.length - 1] !== 0) fail("label bands must descend to 0");
  if (JSON.stringify(p.severity_order) !== JSON.stringify(SEVERITIES)) fail("severity_order must be low, medium, high");
  if (!p.profiles || !p.profiles.default) fail("the policy needs a 'default' profile");
  for (const [name, prof] of Object.entries(p.profiles)) {
    const total = prof.factors.reduce((s, f) => s + f.max_points, 0);
    if (Math.abs(total - 100) > EPS) fail(`profile ${name}: factor max_points sum to ${total}, not 100`);
    for (const f of prof.factors) {
      if (!["bands", "documents", "signals"].includes(f.type)) fail(`profile ${name}: unknown factor type ${f.type}`);
      if (f.type === "bands") {
        const last = f.bands[f.bands.length - 1];
        if (last.min !== undefined || last.max !== undefined) fail(`${f.code}: the last band must be a catch-all`);
        for (const m of [f.measure, ...(f.adjustments ?? []).map((a) => a.measure)]) {
          if (!MEASURES.includes(m.name)) fail(`${f.code}: unknown measure '${m.name}'`);
        }
      }
    }
    const codes = new Set(prof.factors.map((f) => f.code));
    for (const r of prof.recommendation_rules) {
      if (r.when.factor_below && !codes.has(r.when.factor_below.code)) fail(`profile ${name}: factor_below names no factor '${r.when.factor_below.code}'`);
    }
    const lastRule = prof.recommendation_rules[prof.recommendation_rules.length - 1];
    if (!lastRule || Object.values(lastRule.when).some((v) => v !== null && v !== undefined)) {
      fail(`profile ${name}: the last recommendation rule must have an empty 'when'`);
    }
  }
  return p;
}

export const POLICY: Policy = validatePolicy(policyJson);

// -- factors -----------------------------------------------------------------------------------

interface Outcome { factor: Factor; improve: string[] }

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

const severityOf = (s: Signal) => ((SEVERITIES as readonly string[]).includes(s.severity) ? s.severity : "low");

function makeFactor(rule: FactorRule, points: number, text: string, source: string, ctx: Record<string, string>): Factor {
  return {
    code: rule.code, points: roundHalfUp(points, 1), max_points: rule.max_points, explanation: text, source,
    standard: fill(rule.standard, ctx) || null,
  };
}

const bandMatches = (b: Band, v: number) => (b.max !== undefined ? v <= b.max : b.min !== undefined ? v >= b.min : true);

function bandsFactor(rule: BandsFactor, facts: ApplicantFacts, bestBand: boolean): Outcome {
  const mv = measure(rule.measure, facts);
  const full = rule.bands[0];
  const ctx: Record<string, string> = { ...mv.ctx };
  if (full.max !== undefined) ctx.full_pct = fmtPct(full.max);
  if (full.min !== undefined) {
    ctx.full_min = fmtNum(full.min);
    ctx.full_min_x = fmtTimes(full.min);
  }
  const rent = positive(facts.monthly_rent);
  if (rent && full.max) ctx.target_income = ceilMoney(rent / full.max);
  if (rent && full.min !== undefined) ctx.target_balance = ceilMoney(rent * full.min);
  const improve: string[] = [];
  const notes: string[] = [];
  let points: number;
  let explanation: string;
  const multiplier = rule.unverified_multiplier ?? 1;
  if (mv.value === null) {
    points = rule.missing_points ?? 0;
    explanation = rule.missing_explanation ?? "";
    if (points < rule.max_points && rule.missing_hint) improve.push(rule.missing_hint);
  } else {
    const v = mv.value;
    Object.assign(ctx, { value: fmtNum(v), value_pct: fmtPct(v), value_x: fmtTimes(v) });
    const band = bestBand ? full : rule.bands.find((b) => bandMatches(b, v))!;
    points = band.points;
    explanation = fill(rule.explanation, ctx);
    if (mv.basis === "stated" && multiplier < 1) {
      points *= multiplier;
      const note = fill(rule.unverified_explanation, { multiplier: fmtNum(multiplier) });
      if (note) notes.push(note);
      if (rule.verify_hint) improve.push(rule.verify_hint);
    }
    if (band !== full && rule.improve) improve.push(fill(rule.improve, ctx));
  }
  for (const adj of rule.adjustments ?? []) {
    const av = measure(adj.measure, facts).value;
    if (av !== null && av >= adj.min) {
      points += adj.points;
      notes.push(fill(adj.explanation, { value: fmtNum(av) }));
      if (adj.improve) improve.push(adj.improve);
    }
  }
  points = Math.min(Math.max(points, 0), rule.max_points);
  const source = rule.measure.name === "rent_to_income"
    ? (mv.basis === "stated" ? "application (stated income) and unit rent" : "income documents and unit rent")
    : SOURCES[rule.measure.name] ?? rule.measure.name;
  // why a document did not verify (never scored)
  if (rule.measure.name === "rent_to_income") notes.push(...(facts.verification_notes ?? []).slice(0, 4));
  const text = [explanation, ...notes].filter(Boolean).join(" ");
  return { factor: makeFactor(rule, points, text, source, ctx), improve };
}

function documentsFactor(rule: DocumentsFactor, facts: ApplicantFacts): Outcome {
  const present = new Set(facts.documents_present ?? []);
  let points = 0;
  const have: string[] = [];
  const missing: string[] = [];
  const improve: string[] = [];
  for (const item of rule.items) {
    if (item.any_of.some((k) => present.has(k))) {
      points += item.points;
      have.push(item.name);
    } else {
      missing.push(item.name);
      improve.push(item.ask);
    }
  }
  const parts = [have.length ? `Provided: ${have.join(", ")}.` : "No required document provided."];
  if (missing.length) parts.push(`Missing: ${missing.join(", ")}.`);
  const unreadable = Math.max(facts.documents_unreadable ?? 0, 0);
  const penalty = rule.unreadable_penalty ?? 0;
  if (unreadable && penalty) {
    points -= unreadable * penalty;
    parts.push(`${unreadable} unreadable document(s) (−${fmtNum(unreadable * penalty)}).`);
    improve.push(`Replace the ${unreadable} unreadable document(s) with readable copies`);
  }
  points = Math.min(Math.max(points, 0), rule.max_points);
  return { factor: makeFactor(rule, points, parts.join(" "), "documents provided", {}), improve };
}

function signalPenalty(rule: SignalsFactor, signals: Signal[], ignore: Set<string>): number {
  let total = 0;
  for (const sev of SEVERITIES) {
    if (ignore.has(sev)) continue;
    const count = signals.filter((s) => severityOf(s) === sev).length;
    let p = count * (rule.penalties[sev] ?? 0);
    if (rule.caps && sev in rule.caps) p = Math.min(p, rule.caps[sev]);
    total += p;
  }
  return total;
}

function signalsFactor(rule: SignalsFactor, signals: Signal[], unreadable: number, ignore: Set<string>): Outcome {
  const points = Math.min(Math.max(rule.max_points - signalPenalty(rule, signals, ignore), 0), rule.max_points);
  const counted = signals.filter((s) => !ignore.has(severityOf(s)));
  const improve: string[] = [];
  let text: string;
  let source: string;
  if (!counted.length && unreadable > 0) {
    // silence would claim documents nobody could read
    text = `No document signals in the documents that could be read; ${unreadable} document(s) could not be read, so they were not checked.`;
    source = "document checks";
  } else if (!counted.length) {
    text = "No document signals.";
    source = "document checks";
  } else {
    const bySev = [...SEVERITIES].reverse()
      .map((sev) => [sev, counted.filter((s) => severityOf(s) === sev).length] as const)
      .filter(([, n]) => n)
      .map(([sev, n]) => `${n} ${sev}`);
    const codes = unique(counted.map((s) => s.code));
    text = `${counted.length} document signal(s) (${bySev.join(", ")}): ${codes.join(", ")}.`;
    source = unique(counted.map((s) => s.document).filter((d): d is string => Boolean(d))).join(", ") || "document checks";
    const serious = unique(counted.filter((s) => severityOf(s) !== "low").map((s) => s.code));
    if (serious.length) {
      improve.push(`Provide original documents directly from the issuer (employer, bank) to clear: ${serious.join(", ")}`);
    }
  }
  return { factor: makeFactor(rule, points, text, source, {}), improve };
}

function evaluateFactors(profile: Profile, facts: ApplicantFacts, signals: Signal[], bestBand = new Set<string>(), ignore = new Set<string>()): Outcome[] {
  return profile.factors.map((rule) => {
    if (rule.type === "bands") return bandsFactor(rule, facts, bestBand.has(rule.code));
    if (rule.type === "documents") return documentsFactor(rule, facts);
    return signalsFactor(rule, signals, facts.documents_unreadable ?? 0, ignore);
  });
}

export function totalScore(factors: Factor[]): number {
  const total = factors.reduce((s, f) => s + f.points, 0);
  return Math.trunc(Math.min(Math.max(roundHalfUp(total), 0), 100));
}

export function labelFor(policy: Policy, score: number): string {
  for (const b of policy.labels) if (score >= b.min_score) return b.label;
  return policy.labels[policy.labels.length - 1].label;
}

// -- recommendation ----------------------------------------------------------------------------

function signalsAtLeast(signals: Signal[], severity: string): number {
  const rank = SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);
  return signals.filter((s) => SEVERITIES.indexOf(severityOf(s) as (typeof SEVERITIES)[number]) >= rank).length;
}

function conditionHolds(
  cond: Condition, policy: Policy, profile: Profile, facts: ApplicantFacts, signals: Signal[], label: string, factors: Factor[],
): boolean {
  if (cond.label_in !== null && cond.label_in !== undefined) {
    let check = label;
    if (cond.assume) {
      const outs = evaluateFactors(profile, facts, signals, new Set(cond.assume.best_band ?? []), new Set(cond.assume.ignore_severities ?? []));
      check = labelFor(policy, totalScore(outs.map((o) => o.factor)));
    }
    if (!cond.label_in.includes(check)) return false;
  }
  if (cond.signals_at_least) {
    if (signalsAtLeast(signals, cond.signals_at_least.severity) < cond.signals_at_least.count) return false;
  }
  if (cond.factor_below) {
    const below = cond.factor_below;
    const f = factors.find((x) => x.code === below.code);
    if (!f || !(f.points < below.fraction * f.max_points - EPS)) return false;
  }
  if (cond.measure) {
    const v = measure(cond.measure, facts).value;
    if (v === null) return false;
    const t = cond.measure;
    if (t.above != null && !(v > t.above)) return false;
    if (t.at_least != null && !(v >= t.at_least)) return false;
    if (t.below != null && !(v < t.below)) return false;
  }
  return true;
}

// -- entry point -------------------------------------------------------------------------------

export function profileOf(policy: Policy, name: string): Profile {
  const prof = policy.profiles[name];
  if (!prof) throw new PolicyError(`unknown policy profile '${name}'; this policy has: ${Object.keys(policy.profiles).sort().join(", ")}`);
  return prof;
}

/** Score an applicant. Pure: same inputs, same output; no clock, no I/O, no free text. */
export function score(facts: ApplicantFacts, signals: Signal[], policy: Policy = POLICY, profileName = "default"): ScoreResult {
  const prof = profileOf(policy, profileName);
  // Readability problems (unreadable, encrypted, … files) are scored by document completeness,
  // not as authenticity signals.
  const readability = new Set(policy.readability_codes ?? []);
  signals = signals.filter((s) => !readability.has(s.code));
  const outcomes = evaluateFactors(prof, facts, signals);
  const factors = outcomes.map((o) => o.factor);
  const total = totalScore(factors);
  const label = labelFor(policy, total);
  const rule = prof.recommendation_rules.find((r) => conditionHolds(r.when, policy, prof, facts, signals, label, factors))!;
  const improve = unique(outcomes.flatMap((o) => o.improve));
  const riskFlags = factors.filter((f) => f.points < policy.adverse_fraction * f.max_points - EPS).map((f) => f.code);
  const fraud = unique(signals.filter((s) => ["medium", "high"].includes(severityOf(s))).map((s) => s.code));
  const notes = complianceNotes(policy, prof, facts, rule);
  const meaning = policy.labels.find((b) => b.label === label)?.meaning ?? "";
  const strong = factors.filter((f) => f.points >= f.max_points).map((f) => f.code);
  let weak = factors[0];
  for (const f of factors) if (f.points / f.max_points < weak.points / weak.max_points) weak = f;
  let summary = (
    `Score ${total}/100, label ${label}` + (meaning ? ` (${meaning})` : "") +
    `: ${rule.recommendation.split("_").join(" ")}. ${rule.reason ?? ""}`
  ).trimEnd();
  if (strong.length) summary += ` Full points: ${strong.join(", ")}.`;
  if (weak.points < weak.max_points) summary += ` Weakest: ${weak.code} (${fmtNum(weak.points)}/${fmtNum(weak.max_points)}).`;
  return {
    score: total, label, recommendation: rule.recommendation, factors, what_would_change: improve,
    compliance_notes: notes, summary, risk_flags: riskFlags, fraud_signals: fraud, policy_version: policy.version,
  };
}
