/**
 * A run's status as the ops API shows it: the Workflow instance's `status()` (the truth about the
 * instance) merged with the per-step progress the steps record in D1.
 */
import type { Env } from "./env";
import { evaluationJson, type Row } from "./mappers";
import { WORKFLOW_STEPS } from "./util";

const FINISHED = new Set(["complete", "errored", "terminated"]);
export const STATUS_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

export interface StepView {
  name: string;
  status: string;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
  error: string | null;
}

export async function findRun(db: D1Database, siteId: string, instanceId: string): Promise<Row | null> {
  return db.prepare("SELECT * FROM ai_workflow_runs WHERE instance_id = ? AND site_id = ?")
    .bind(instanceId, siteId).first<Row>();
}

export async function runSnapshot(env: Env, run: Row) {
  const instanceId = String(run.instance_id);
  let instStatus: InstanceStatus | null = null;
  try {
    // Bounded: a busy engine must not hold the status route; D1's record answers meanwhile.
    instStatus = await withTimeout((async () => (await env.AI_WORKFLOW.get(instanceId)).status())(), STATUS_TIMEOUT_MS);
  } catch {
    instStatus = null;
  }
  const { results } = await env.DB.prepare("SELECT * FROM ai_workflow_steps WHERE instance_id = ?")
    .bind(instanceId).all<Row>();
  const byName = new Map(results.map((r) => [String(r.name), r]));
  const steps: StepView[] = WORKFLOW_STEPS.map((name) => {
    const r = byName.get(name);
    return {
      name,
      status: r ? String(r.status) : "pending",
      attempts: r ? Number(r.attempts) : 0,
      started_at: (r?.started_at as string | null) ?? null,
      ended_at: (r?.ended_at as string | null) ?? null,
      error: (r?.error as string | null) ?? null,
    };
  });

  let status = instStatus?.status ?? String(run.status ?? "unknown");
  const anyStarted = steps.some((s) => s.status !== "pending");
  // workerd reports `running` before the first step starts; say `queued` truthfully then.
  if (status === "running" && !anyStarted) status = "queued";
  if (!instStatus && !FINISHED.has(status)) status = String(run.status ?? "unknown");

  // The instance can end without our steps recording it (terminate, crash): close the open steps.
  if (FINISHED.has(status) && status !== "complete") {
    for (const s of steps) if (s.status === "running" || s.status === "retrying") s.status = "errored";
  }
  const current = steps.find((s) => s.status === "running" || s.status === "retrying")?.name ?? null;

  let output: unknown = null;
  if (run.evaluation_id) {
    const ev = await env.DB.prepare("SELECT * FROM lead_ai_evaluations WHERE id = ?").bind(run.evaluation_id).first<Row>();
    if (ev) output = evaluationJson(ev);
  }
  if (output === null && status === "complete" && instStatus?.output) output = instStatus.output;

  let error: { name: string; message: string } | null = null;
  if (status === "errored" || status === "terminated") {
    const e = instStatus?.error;
    if (e && (e.message || e.name)) error = { name: e.name || "Error", message: e.message || "" };
    else if (run.error_message) error = { name: String(run.error_name ?? "Error"), message: String(run.error_message) };
    else if (status === "terminated") error = { name: "Terminated", message: "The evaluation was stopped." };
  }

  // Keep the run row in step with the instance (AlreadyRunning relies on it).
  if (status !== run.status && (FINISHED.has(status) || run.status === "queued")) {
    const now = new Date().toISOString();
    await env.DB.prepare(
      `UPDATE ai_workflow_runs SET status = ?, completed_at = CASE WHEN ? THEN COALESCE(completed_at, ?) ELSE completed_at END,
              error_name = COALESCE(error_name, ?), error_message = COALESCE(error_message, ?), updated_at = ?
        WHERE instance_id = ?`,
    ).bind(status, FINISHED.has(status) ? 1 : 0, now, error?.name ?? null, error?.message ?? null, now, instanceId).run();
  }

  const completedAt = FINISHED.has(status)
    ? ((run.completed_at as string | null) ?? steps.reduce<string | null>((m, s) => (s.ended_at && (!m || s.ended_at > m) ? s.ended_at : m), null))
    : null;
  return {
    instance_id: instanceId,
    lead_id: run.lead_id,
    status,
    current_step: FINISHED.has(status) ? null : current,
    steps,
    queued_at: run.queued_at,
    started_at: (run.started_at as string | null) ?? steps.find((s) => s.started_at)?.started_at ?? null,
    completed_at: completedAt,
    output,
    error,
    can_retry: status === "errored" || status === "terminated",
  };
}
