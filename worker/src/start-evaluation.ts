/**
 * Starting an evaluation: lead check → AlreadyRunning → DuplicateDocuments (unless forced with a
 * reason) → claim the run row → atomic quota → create the Workflow instance (quota given back and
 * the run row removed when creation fails). Returns a status + JSON body so that the
 * Idempotency-Key layer can store and replay it.
 */
import type { Env, EvaluationParams } from "./env";
import { giveBackQuotaUnit, siteTier, takeQuotaUnit, usageSummary } from "./quota";
import { DUPLICATE_THRESHOLD } from "./spec";
import { parseJsonColumn } from "./util";

export interface StartRequest {
  siteId: string;
  leadId: string;
  userId: string;
  force: boolean;
  reason: string | null;
  now: Date;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export const ACTIVE_RUN_STATUSES = ["queued", "running", "waiting", "paused", "waitingForPause"];
const FINISHED = new Set(["complete", "errored", "terminated"]);
export { DUPLICATE_THRESHOLD }; // share of files equal to the last evaluation's (shared spec)

/** Share of equal hashes between two documents sets (1.0 when both are empty). */
export function hashOverlap(current: string[], previous: string[]): number {
  const a = new Set(current);
  const b = new Set(previous);
  const denom = Math.max(a.size, b.size);
  if (denom === 0) return 1;
  let same = 0;
  for (const h of a) if (b.has(h)) same++;
  return same / denom;
}

/** A run with no progress for this long is abandoned (e.g. the dev server stopped mid-run). */
export const STALE_RUN_MS = 30 * 60 * 1000;

/**
 * Find an active run for the lead. A run whose instance has actually finished, or that has made
 * no progress for STALE_RUN_MS, is closed first so that it can never block the lead forever.
 */
async function activeRun(env: Env, siteId: string, leadId: string): Promise<string | null> {
  const placeholders = ACTIVE_RUN_STATUSES.map(() => "?").join(", ");
  const { results } = await env.DB.prepare(
    `SELECT instance_id, updated_at FROM ai_workflow_runs WHERE lead_id = ? AND site_id = ? AND status IN (${placeholders})`,
  ).bind(leadId, siteId, ...ACTIVE_RUN_STATUSES).all<{ instance_id: string; updated_at: string }>();
  for (const { instance_id, updated_at } of results) {
    let status = "unknown";
    try {
      status = (await (await env.AI_WORKFLOW.get(instance_id)).status()).status;
    } catch {
      status = "unknown";
    }
    const now = new Date().toISOString();
    if (FINISHED.has(status)) {
      await env.DB.prepare(
        "UPDATE ai_workflow_runs SET status = ?, completed_at = COALESCE(completed_at, ?), updated_at = ? WHERE instance_id = ?",
      ).bind(status, now, now, instance_id).run();
      continue;
    }
    if (Date.now() - Date.parse(updated_at) > STALE_RUN_MS) {
      await env.DB.prepare(
        `UPDATE ai_workflow_runs SET status = 'errored', error_name = 'Abandoned',
                error_message = 'The run made no progress for 30 minutes and was closed.', completed_at = ?, updated_at = ?
          WHERE instance_id = ?`,
      ).bind(now, now, instance_id).run();
      continue;
    }
    return instance_id;
  }
  return null;
}

/**
 * Create the instance; one retry for a transient failure. A create that reports an error although
 * the instance exists (seen under load in local dev) counts as created.
 */
async function createInstance(env: Env, id: string, params: EvaluationParams): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await env.AI_WORKFLOW.create({ id, params });
      return;
    } catch (err) {
      const exists = await env.AI_WORKFLOW.get(id).then((i) => i.status()).then(() => true, () => false);
      if (exists) return;
      if (attempt >= 2) throw err;
      console.warn(`workflow create for ${id} failed, retrying:`, err);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startEvaluation(env: Env, req: StartRequest): Promise<Answer> {
  const { siteId, leadId, now } = req;
  const nowIso = now.toISOString();
  const month = nowIso.slice(0, 7);
  const lead = await env.DB.prepare("SELECT id FROM leads WHERE id = ? AND site_id = ?").bind(leadId, siteId).first();
  if (!lead) {
    return { status: 404, body: { success: false, error: "LeadNotFound", message: "Lead not found" } };
  }

  const running = await activeRun(env, siteId, leadId);
  if (running) {
    return {
      status: 409,
      body: {
        success: false, error: "AlreadyRunning", instance_id: running,
        message: "An evaluation is already running for this lead; follow it instead of starting another.",
      },
    };
  }

  const last = await env.DB.prepare(
    `SELECT id, evaluated_at, file_hashes FROM lead_ai_evaluations
      WHERE lead_id = ? AND site_id = ? ORDER BY evaluated_at DESC, id DESC LIMIT 1`,
  ).bind(leadId, siteId).first<{ id: string; evaluated_at: string; file_hashes: string }>();
  if (last) {
    const { results } = await env.DB.prepare("SELECT sha256 FROM lead_files WHERE lead_id = ? AND site_id = ?")
      .bind(leadId, siteId).all<{ sha256: string }>();
    const overlap = hashOverlap(results.map((r) => r.sha256), parseJsonColumn<string[]>(last.file_hashes, []));
    if (overlap >= DUPLICATE_THRESHOLD) {
      if (!req.force) {
        const usage = await usageSummary(env.DB, siteId, month);
        return {
          status: 409,
          body: {
            success: false, error: "DuplicateDocuments",
            message: "The documents have not changed since the last evaluation. Re-run it only with a reason.",
            last_evaluation_id: last.id, last_evaluated_at: last.evaluated_at,
            can_force: usage.remaining > 0,
          },
        };
      }
      if (!req.reason) {
        return {
          status: 400,
          body: {
            success: false, error: "ReasonRequired",
            message: "A forced re-evaluation of unchanged documents needs a non-empty reason.",
            last_evaluation_id: last.id,
          },
        };
      }
    }
  }

  const { tier, limit } = await siteTier(env.DB, siteId);
  const instanceId = `ev-${crypto.randomUUID()}`;
  // Claim the run first, atomically: a concurrent start for the same lead inserts nothing here and
  // never touches the quota, so same-lead races cannot make other leads' starts look over quota.
  const statuses = ACTIVE_RUN_STATUSES.map(() => "?").join(", ");
  const claimed = await env.DB.prepare(
    `INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, requested_by, force_reason, provider, queued_at, updated_at)
     SELECT ?, ?, ?, 'queued', ?, ?, ?, ?, ?
      WHERE NOT EXISTS (SELECT 1 FROM ai_workflow_runs WHERE lead_id = ? AND site_id = ? AND status IN (${statuses}))
     RETURNING instance_id`,
  ).bind(
    instanceId, leadId, siteId, req.userId, req.force ? req.reason : null, env.AI_PROVIDER || "rules", nowIso, nowIso,
    leadId, siteId, ...ACTIVE_RUN_STATUSES,
  ).first();
  if (!claimed) {
    const other = await activeRun(env, siteId, leadId);
    return {
      status: 409,
      body: {
        success: false, error: "AlreadyRunning", instance_id: other,
        message: "An evaluation is already running for this lead; follow it instead of starting another.",
      },
    };
  }

  const count = await takeQuotaUnit(env.DB, siteId, month, limit, nowIso);
  if (count === null) {
    await env.DB.prepare("DELETE FROM ai_workflow_runs WHERE instance_id = ?").bind(instanceId).run();
    const usage = await usageSummary(env.DB, siteId, month);
    return {
      status: 403,
      body: {
        success: false, error: "QuotaExceeded",
        message: `You have reached your monthly AI evaluation limit (${usage.evaluation_count}/${limit}).`,
        usage: { remaining: 0, limit, month, used: usage.evaluation_count, tier, reset_date: usage.reset_date },
      },
    };
  }

  try {
    await createInstance(env, instanceId, { leadId, siteId, userId: req.userId, force: req.force, reason: req.reason });
  } catch (err) {
    console.error(`workflow create failed for ${instanceId}:`, err);
    await giveBackQuotaUnit(env.DB, siteId, month, new Date().toISOString());
    await env.DB.prepare("DELETE FROM ai_workflow_runs WHERE instance_id = ?").bind(instanceId).run();
    return {
      status: 503,
      body: {
        success: false, error: "WorkflowUnavailable",
        message: "The evaluation could not be started right now; no quota was used. Try again shortly.",
      },
    };
  }

  await env.DB.prepare(
    "INSERT INTO lead_history (lead_id, site_id, action, detail, user_id, created_at) VALUES (?, ?, 'ai_evaluation_requested', ?, ?, ?)",
  ).bind(leadId, siteId, JSON.stringify({ instance_id: instanceId, force: req.force, reason: req.reason }), req.userId, nowIso).run();

  return {
    status: 202,
    body: {
      success: true,
      data: { instance_id: instanceId, lead_id: leadId, status: "queued", requested_at: nowIso },
      usage: { remaining: Math.max(limit - count, 0), limit, month, used: count, tier },
    },
  };
}
