/**
 * Per-step progress in D1 (`ai_workflow_steps`, `ai_workflow_runs`): a Workflow instance's
 * status() carries no step progress, so each attempt records its start, end and error here.
 */
import { errorMessage } from "../util";

export class ProgressRecorder {
  constructor(
    private readonly db: D1Database,
    private readonly instanceId: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Record an attempt's start; returns the attempt number (1-based). */
  async attemptStarted(step: string): Promise<number> {
    const now = this.now();
    const [stepRes] = await this.db.batch([
      this.db.prepare(
        `INSERT INTO ai_workflow_steps (instance_id, name, status, attempts, started_at, ended_at, error)
         VALUES (?1, ?2, 'running', 1, ?3, NULL, NULL)
         ON CONFLICT(instance_id, name) DO UPDATE SET status = 'running', attempts = attempts + 1, ended_at = NULL
         RETURNING attempts`,
      ).bind(this.instanceId, step, now),
      this.db.prepare(
        `UPDATE ai_workflow_runs SET status = 'running', current_step = ?1, started_at = COALESCE(started_at, ?2), updated_at = ?2
          WHERE instance_id = ?3 AND status IN ('queued', 'running')`,
      ).bind(step, now, this.instanceId),
    ]);
    const rows = stepRes.results as { attempts: number }[];
    return rows[0]?.attempts ?? 1;
  }

  async attemptSucceeded(step: string): Promise<void> {
    await this.db.prepare(
      "UPDATE ai_workflow_steps SET status = 'complete', ended_at = ?, error = NULL WHERE instance_id = ? AND name = ?",
    ).bind(this.now(), this.instanceId, step).run();
  }

  async attemptFailed(step: string, err: unknown, final: boolean): Promise<void> {
    const now = this.now();
    await this.db.prepare(
      "UPDATE ai_workflow_steps SET status = ?, ended_at = ?, error = ? WHERE instance_id = ? AND name = ?",
    ).bind(final ? "errored" : "retrying", final ? now : null, errorMessage(err).slice(0, 1000), this.instanceId, step).run();
  }

  async runCompleted(evaluationId: string): Promise<void> {
    const now = this.now();
    await this.db.prepare(
      `UPDATE ai_workflow_runs SET status = 'complete', current_step = NULL, evaluation_id = ?, completed_at = COALESCE(completed_at, ?), updated_at = ?
        WHERE instance_id = ?`,
    ).bind(evaluationId, now, now, this.instanceId).run();
  }

  async runFailed(leadId: string, siteId: string, err: unknown): Promise<void> {
    const now = this.now();
    const name = err instanceof Error ? err.name || "Error" : "Error";
    const message = errorMessage(err).slice(0, 1000);
    const failed = await this.db.prepare(
      "SELECT name FROM ai_workflow_steps WHERE instance_id = ? AND status = 'errored' ORDER BY ended_at DESC LIMIT 1",
    ).bind(this.instanceId).first<{ name: string }>();
    await this.db.batch([
      this.db.prepare(
        `UPDATE ai_workflow_runs SET status = 'errored', current_step = NULL, error_name = ?, error_message = ?,
                completed_at = COALESCE(completed_at, ?), updated_at = ? WHERE instance_id = ? AND status NOT IN ('terminated')`,
      ).bind(name, message, now, now, this.instanceId),
      this.db.prepare(
        "INSERT INTO workflow_errors (instance_id, lead_id, site_id, step, error_name, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).bind(this.instanceId, leadId, siteId, failed?.name ?? null, name, message, now),
    ]);
  }
}
