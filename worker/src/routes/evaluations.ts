/** AI evaluation routes (workflow flavour): start, latest, history, overrides, usage. */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { claimKey, releaseKey, storeAnswer, validIdempotencyKey, waitForAnswer } from "../idempotency";
import { evaluationJson, overrideJson, type Row } from "../mappers";
import { currentMonth, usageSummary } from "../quota";
import { aiError } from "../responses";
import { startEvaluation, type Answer } from "../start-evaluation";
import { isoNow, newId, RECOMMENDATIONS } from "../util";

export const evaluationRoutes = new Hono<AppEnv>();

async function readJsonBody(c: Context<AppEnv>): Promise<Record<string, unknown> | null> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** Run `work` under the request's Idempotency-Key (if any): the first answer is replayed for 24 h. */
export async function withIdempotency(c: Context<AppEnv>, work: () => Promise<Answer>): Promise<Response> {
  const key = c.req.header("Idempotency-Key");
  const siteId = c.get("siteId");
  if (key === undefined) {
    const a = await work();
    return c.json(a.body, a.status as 200);
  }
  if (!validIdempotencyKey(key)) {
    return aiError(c, 400, "InvalidIdempotencyKey", "Idempotency-Key must be 1-200 printable ASCII characters");
  }
  const replay = (status: number, body: string) =>
    new Response(body, { status, headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" } });
  for (let i = 0; i < 3; i++) {
    const claim = await claimKey(c.env.DB, siteId, key, new Date());
    if (claim === "pending") {
      const answer = await waitForAnswer(c.env.DB, siteId, key);
      if (answer) return replay(answer.status, answer.body);
      if (i === 2) {
        return aiError(c, 409, "IdempotencyKeyInUse", "A request with this Idempotency-Key is still being processed");
      }
      continue;
    }
    if (claim) return replay(claim.status, claim.body);
    let answer: Answer;
    try {
      answer = await work();
    } catch (err) {
      await releaseKey(c.env.DB, siteId, key);
      throw err;
    }
    if (answer.status >= 500) {
      await releaseKey(c.env.DB, siteId, key);
    } else {
      await storeAnswer(c.env.DB, siteId, key, { status: answer.status, body: JSON.stringify(answer.body) });
    }
    return c.json(answer.body, answer.status as 200);
  }
  return aiError(c, 409, "IdempotencyKeyInUse", "A request with this Idempotency-Key is still being processed");
}

evaluationRoutes.post("/leads/:leadId/ai-evaluation", async (c) => {
  const userId = c.req.header("X-User-Id")?.trim();
  if (!userId) return c.json({ success: false, error: "Missing required headers", message: "X-User-Id is required" }, 400);
  const body = await readJsonBody(c);
  if (body === null) return aiError(c, 400, "InvalidBody", "The request body must be a JSON object");
  const force = body.force_refresh === true || body.forceRefresh === true;
  const reasonRaw = body.reason;
  if (reasonRaw !== undefined && reasonRaw !== null && typeof reasonRaw !== "string") {
    return aiError(c, 400, "InvalidBody", "reason must be a string");
  }
  const reason = typeof reasonRaw === "string" && reasonRaw.trim() ? reasonRaw.trim().slice(0, 1000) : null;
  return withIdempotency(c, () =>
    startEvaluation(c.env, { siteId: c.get("siteId"), leadId: c.req.param("leadId"), userId, force, reason, now: new Date() }),
  );
});

async function leadExists(c: Context<AppEnv>, leadId: string): Promise<boolean> {
  return Boolean(await c.env.DB.prepare("SELECT 1 FROM leads WHERE id = ? AND site_id = ?").bind(leadId, c.get("siteId")).first());
}

async function latestOverrides(db: D1Database, ids: string[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  if (ids.length === 0) return out;
  const { results } = await db.prepare(
    `SELECT * FROM evaluation_overrides WHERE evaluation_id IN (${ids.map(() => "?").join(",")}) ORDER BY created_at, id`,
  ).bind(...ids).all<Row>();
  for (const r of results) out.set(String(r.evaluation_id), r);
  return out;
}

evaluationRoutes.get("/leads/:leadId/ai-evaluation", async (c) => {
  const leadId = c.req.param("leadId");
  if (!(await leadExists(c, leadId))) return aiError(c, 404, "LeadNotFound", "Lead not found");
  const row = await c.env.DB.prepare(
    "SELECT * FROM lead_ai_evaluations WHERE lead_id = ? AND site_id = ? ORDER BY evaluated_at DESC, id DESC LIMIT 1",
  ).bind(leadId, c.get("siteId")).first<Row>();
  if (!row) return aiError(c, 404, "NotFound", "No evaluation found for this lead");
  const ov = await latestOverrides(c.env.DB, [String(row.id)]);
  return c.json({ success: true, data: evaluationJson(row, ov.get(String(row.id)) ?? null) });
});

evaluationRoutes.get("/leads/:leadId/ai-evaluations", async (c) => {
  const leadId = c.req.param("leadId");
  if (!(await leadExists(c, leadId))) return aiError(c, 404, "LeadNotFound", "Lead not found");
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM lead_ai_evaluations WHERE lead_id = ? AND site_id = ? ORDER BY evaluated_at DESC, id DESC LIMIT 200",
  ).bind(leadId, c.get("siteId")).all<Row>();
  const ov = await latestOverrides(c.env.DB, results.map((r) => String(r.id)));
  return c.json({ success: true, data: results.map((r) => evaluationJson(r, ov.get(String(r.id)) ?? null)) });
});

async function findEvaluation(c: Context<AppEnv>, id: string): Promise<Row | null> {
  return c.env.DB.prepare("SELECT * FROM lead_ai_evaluations WHERE id = ? AND site_id = ?").bind(id, c.get("siteId")).first<Row>();
}

evaluationRoutes.post("/ai-evaluations/:evaluationId/override", async (c) => {
  const userId = c.req.header("X-User-Id")?.trim();
  if (!userId) return c.json({ success: false, error: "Missing required headers", message: "X-User-Id is required" }, 400);
  const body = await readJsonBody(c);
  if (body === null) return aiError(c, 400, "InvalidBody", "The request body must be a JSON object");
  const to = body.recommendation ?? body.to_recommendation;
  if (typeof to !== "string" || !(RECOMMENDATIONS as readonly string[]).includes(to)) {
    return aiError(c, 400, "ValidationError", `recommendation must be one of ${RECOMMENDATIONS.join(", ")}`);
  }
  const reason = typeof body.reason === "string" ? body.reason.trim() : "";
  if (!reason) return aiError(c, 400, "ValidationError", "An override needs a non-empty reason");
  const ev = await findEvaluation(c, c.req.param("evaluationId"));
  if (!ev) return aiError(c, 404, "NotFound", "Evaluation not found");
  const prev = (await latestOverrides(c.env.DB, [String(ev.id)])).get(String(ev.id));
  const row = {
    id: newId("ovr"), evaluation_id: ev.id, lead_id: ev.lead_id, site_id: c.get("siteId"),
    from_recommendation: prev ? prev.to_recommendation : ev.recommendation, to_recommendation: to,
    reason: reason.slice(0, 2000), user_id: userId, created_at: isoNow(),
  };
  await c.env.DB.batch([
    c.env.DB.prepare(
      `INSERT INTO evaluation_overrides (id, evaluation_id, lead_id, site_id, from_recommendation, to_recommendation, reason, user_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(row.id, row.evaluation_id, row.lead_id, row.site_id, row.from_recommendation, row.to_recommendation, row.reason, row.user_id, row.created_at),
    c.env.DB.prepare(
      "INSERT INTO lead_history (lead_id, site_id, action, detail, user_id, created_at) VALUES (?, ?, 'ai_evaluation_overridden', ?, ?, ?)",
    ).bind(row.lead_id, row.site_id, JSON.stringify({ evaluation_id: row.evaluation_id, from: row.from_recommendation, to }), userId, row.created_at),
  ]);
  return c.json({ success: true, data: overrideJson(row) }, 201);
});

evaluationRoutes.get("/ai-evaluations/:evaluationId/overrides", async (c) => {
  const ev = await findEvaluation(c, c.req.param("evaluationId"));
  if (!ev) return aiError(c, 404, "NotFound", "Evaluation not found");
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM evaluation_overrides WHERE evaluation_id = ? AND site_id = ? ORDER BY created_at, id",
  ).bind(ev.id, c.get("siteId")).all<Row>();
  return c.json({ success: true, data: results.map(overrideJson) });
});

evaluationRoutes.get("/ai-usage", async (c) => {
  const month = c.req.query("month") || currentMonth(new Date());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    return aiError(c, 400, "InvalidMonth", "month must look like YYYY-MM");
  }
  return c.json({ success: true, data: await usageSummary(c.env.DB, c.get("siteId"), month) });
});
