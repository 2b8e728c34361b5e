/**
 * Idempotency-Key for POSTs that start work: the first answer is stored per (site, key) and
 * replayed for 24 h. A key is claimed (status_code 0) before the work starts, so two concurrent
 * requests with the same key can never both start an instance: the second waits for the first's
 * answer and replays it.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,200}$/;

export interface StoredAnswer {
  status: number;
  body: string;
}

export function validIdempotencyKey(key: string): boolean {
  return KEY_RE.test(key);
}

/** Claim the key. Returns null when claimed by us, or the stored answer / "pending". */
export async function claimKey(
  db: D1Database, siteId: string, key: string, now: Date,
): Promise<StoredAnswer | "pending" | null> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
  await db.prepare("DELETE FROM idempotency_keys WHERE site_id = ? AND key = ? AND created_at < ?")
    .bind(siteId, key, cutoff).run();
  const inserted = await db
    .prepare(
      `INSERT INTO idempotency_keys (site_id, key, status_code, body, created_at) VALUES (?, ?, 0, '', ?)
       ON CONFLICT(site_id, key) DO NOTHING RETURNING key`,
    )
    .bind(siteId, key, now.toISOString())
    .first();
  if (inserted) return null;
  const row = await db.prepare("SELECT status_code, body FROM idempotency_keys WHERE site_id = ? AND key = ?")
    .bind(siteId, key).first<{ status_code: number; body: string }>();
  if (!row) return null; // vanished between statements: treat as ours is not safe; caller retries claim
  if (row.status_code === 0) return "pending";
  return { status: row.status_code, body: row.body };
}

/** Wait (bounded) for a concurrent request with the same key to finish, then return its answer. */
export async function waitForAnswer(
  db: D1Database, siteId: string, key: string, timeoutMs = 10_000,
): Promise<StoredAnswer | null> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 400);
    const row = await db.prepare("SELECT status_code, body FROM idempotency_keys WHERE site_id = ? AND key = ?")
      .bind(siteId, key).first<{ status_code: number; body: string }>();
    if (!row) return null;
    if (row.status_code !== 0) return { status: row.status_code, body: row.body };
  }
  return null;
}

export async function storeAnswer(db: D1Database, siteId: string, key: string, answer: StoredAnswer): Promise<void> {
  await db.prepare("UPDATE idempotency_keys SET status_code = ?, body = ? WHERE site_id = ? AND key = ?")
    .bind(answer.status, answer.body, siteId, key).run();
}

export async function releaseKey(db: D1Database, siteId: string, key: string): Promise<void> {
  await db.prepare("DELETE FROM idempotency_keys WHERE site_id = ? AND key = ? AND status_code = 0")
    .bind(siteId, key).run();
}
