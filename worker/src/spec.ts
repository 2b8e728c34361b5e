/**
 * The shared spec (resources/spec/workflow.json, bundled at build time through this relative
 * import, like the policy): step names and retry/timeout configs, lead statuses and transitions,
 * signal codes and severities, thresholds. leaselab_desktop/domain/spec.py reads the same file;
 * test/spec.test.ts fails when this code and the file disagree.
 */
import type { WorkflowStepConfig } from "cloudflare:workers";
import specJson from "../../resources/spec/workflow.json";

export type Severity = "low" | "medium" | "high";
interface StepSpec {
  name: string;
  title: string;
  retries: { limit: number; delay_ms: number; backoff: "constant" | "linear" | "exponential" };
  timeout_ms: number;
}
interface SignalSpec { severities: Severity[]; meaning: string; model?: boolean; readability?: boolean }
export interface Spec {
  workflow: { name: string; steps: StepSpec[] };
  lead_statuses: { name: string; title: string }[];
  lead_transitions: { event: string; from: string[]; to: string }[];
  labels: { current: string[]; legacy: string[] };
  recommendations: string[];
  file_types: string[];
  employment_statuses: string[];
  severities: Severity[];
  signals: Record<string, SignalSpec>;
  model_flag_prefix: string;
  model_max_severity: Severity;
  thresholds: { duplicate_documents: number; quota_tiers: Record<string, number> };
}

export const SPEC = specJson as Spec;

export const WORKFLOW_STEPS: readonly string[] = SPEC.workflow.steps.map((s) => s.name);
/** Step configs in the Workflows shape; delays and timeouts are milliseconds (numbers). */
export const STEP_CONFIG: Readonly<Record<string, Required<WorkflowStepConfig> & { retries: { limit: number } }>> =
  Object.fromEntries(SPEC.workflow.steps.map((s) => [s.name, {
    retries: { limit: s.retries.limit, delay: s.retries.delay_ms, backoff: s.retries.backoff },
    timeout: s.timeout_ms,
  }]));
export const LEAD_STATUSES: readonly string[] = SPEC.lead_statuses.map((s) => s.name);
export const LABELS: readonly string[] = [...SPEC.labels.current, ...SPEC.labels.legacy];
export const RECOMMENDATIONS: readonly string[] = SPEC.recommendations;
export const FILE_TYPES: readonly string[] = SPEC.file_types;
export const TIERS: Readonly<Record<string, number>> = SPEC.thresholds.quota_tiers;
export const DUPLICATE_THRESHOLD = SPEC.thresholds.duplicate_documents;
export const MODEL_SIGNAL_CODES: ReadonlySet<string> =
  new Set(Object.entries(SPEC.signals).filter(([, s]) => s.model).map(([code]) => code));

/** The status a lead in `status` moves to on `event`, or null when the event does not apply there. */
export function nextStatus(status: string, event: string): string | null {
  const t = transition(event);
  return t.from.includes(status) ? t.to : null;
}

function transition(event: string): Spec["lead_transitions"][number] {
  const t = SPEC.lead_transitions.find((x) => x.event === event);
  if (!t) throw new Error(`lead event '${event}' is not in the spec`);
  return t;
}

/**
 * The one way the worker changes a lead's status: the spec's transition for `event`, as a D1
 * statement that moves the lead only from one of the event's `from` statuses (like
 * application/lifecycle.py). A lead elsewhere keeps its status: an agent's decision (`approved`)
 * is never undone by a file arriving or a run finishing. Throws on an event the spec lacks.
 */
export function leadTransition(db: D1Database, event: string, lead: { id: string; siteId: string }, now: string): D1PreparedStatement {
  const t = transition(event);
  const from = t.from.map(() => "?").join(", ");
  return db.prepare(`UPDATE leads SET status = ?, updated_at = ? WHERE id = ? AND site_id = ? AND status IN (${from})`)
    .bind(t.to, now, lead.id, lead.siteId, ...t.from);
}
