/** Monthly AI evaluation quota per site: one atomic statement to take a unit, one to give it back. */
import { monthOf, resetDate, TIERS } from "./util";

export interface UsageSummary {
  month: string;
  evaluation_count: number;
  quota_limit: number;
  tier: string;
  remaining: number;
  percentage: number;
  reset_date: string;
}

export async function siteTier(db: D1Database, siteId: string): Promise<{ tier: string; limit: number }> {
  const row = await db.prepare("SELECT tier FROM sites WHERE id = ?").bind(siteId).first<{ tier: string }>();
  const tier = row && row.tier in TIERS ? row.tier : "free";
  return { tier, limit: TIERS[tier] };
}

/**
 * Take one evaluation unit if the site is under its limit. Returns the new count, or null when
 * the limit is reached. Check and increment happen in ONE statement, so concurrent requests can
 * never overshoot the limit.
 */
export async function takeQuotaUnit(
  db: D1Database, siteId: string, month: string, limit: number, now: string,
): Promise<number | null> {
  if (limit <= 0) return null;
  const row = await db
    .prepare(
      `INSERT INTO ai_evaluation_usage (site_id, month, evaluation_count, updated_at) VALUES (?1, ?2, 1, ?3)
       ON CONFLICT(site_id, month) DO UPDATE SET evaluation_count = evaluation_count + 1, updated_at = ?3
       WHERE evaluation_count < ?4
       RETURNING evaluation_count`,
    )
    .bind(siteId, month, now, limit)
    .first<{ evaluation_count: number }>();
  return row ? row.evaluation_count : null;
}

/** Give a unit back (the workflow instance could not be created). Never goes below zero. */
export async function giveBackQuotaUnit(db: D1Database, siteId: string, month: string, now: string): Promise<void> {
  await db
    .prepare(
      `UPDATE ai_evaluation_usage SET evaluation_count = MAX(evaluation_count - 1, 0), updated_at = ?
        WHERE site_id = ? AND month = ?`,
    )
    .bind(now, siteId, month)
    .run();
}

export async function usageSummary(db: D1Database, siteId: string, month: string): Promise<UsageSummary> {
  const { tier, limit } = await siteTier(db, siteId);
  const row = await db
    .prepare("SELECT evaluation_count FROM ai_evaluation_usage WHERE site_id = ? AND month = ?")
    .bind(siteId, month)
    .first<{ evaluation_count: number }>();
  const count = row?.evaluation_count ?? 0;
  return {
    month,
    evaluation_count: count,
    quota_limit: limit,
    tier,
    remaining: Math.max(limit - count, 0),
    percentage: limit > 0 ? Math.round((count / limit) * 1000) / 10 : 100,
    reset_date: resetDate(month),
  };
}

export function currentMonth(now: Date): string {
  return monthOf(now);
}
