/** Workflow instance routes: status (with ETag), the event stream (watch), terminate, retry. */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { aiError } from "../responses";
import { keepaliveMs, runTag, statusBody, watchResponse } from "../run-events";
import { findRun, runSnapshot } from "../run-status";
import { startEvaluation } from "../start-evaluation";
import { withIdempotency } from "./evaluations";

export const workflowRoutes = new Hono<AppEnv>();

const notFound = { error: "WorkflowNotFound", message: "Workflow instance not found" };

workflowRoutes.get("/ai-workflows/:id", async (c) => {
  const run = await findRun(c.env.DB, c.get("siteId"), c.req.param("id"));
  if (!run) return aiError(c, 404, notFound.error, notFound.message);
  const snap = await runSnapshot(c.env, run);
  const body = statusBody(snap);
  const etag = `"${await runTag(snap)}"`;
  const headers = { ETag: etag, "Cache-Control": "private, no-cache" };
  const inm = c.req.header("If-None-Match");
  if (inm && inm.split(",").map((s) => s.trim().replace(/^W\//, "")).includes(etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers: { ...headers, "Content-Type": "application/json" } });
});

/** Whether the client itself accepts gzip: Cloudflare normalises the Accept-Encoding a worker sees,
 * keeping the client's own value in `cf.clientAcceptEncoding`. */
function acceptsGzip(req: Request): boolean {
  const cf = (req as { cf?: { clientAcceptEncoding?: string } }).cf;
  const accepted = cf?.clientAcceptEncoding ?? req.headers.get("Accept-Encoding") ?? "";
  return /\bgzip\b/i.test(accepted);
}

/** Server-Sent Events: the full run, then one small event per change, until it ends (run-events.ts). */
workflowRoutes.get("/ai-workflows/:id/events", async (c) => {
  const run = await findRun(c.env.DB, c.get("siteId"), c.req.param("id"));
  if (!run) return aiError(c, 404, notFound.error, notFound.message);
  const first = await runSnapshot(c.env, run);
  const since = c.req.header("Last-Event-ID")?.trim() || c.req.query("since")?.trim() || null;
  let waitUntil: (p: Promise<unknown>) => void = () => {};
  try {
    const ctx = c.executionCtx;
    waitUntil = (p) => ctx.waitUntil(p);
  } catch {
    // no execution context (plain app.fetch in a test): the stream still runs while it is read
  }
  return watchResponse(c.env, c.get("siteId"), run, first, {
    since, keepaliveMs: keepaliveMs(c.req.query("keepalive")), signal: c.req.raw.signal,
    gzip: acceptsGzip(c.req.raw),
  }, waitUntil);
});

const LOST_MESSAGE = "The server stopped before this evaluation started; nothing was evaluated. Start it again.";

workflowRoutes.post("/ai-workflows/:id/terminate", async (c) => {
  const run = await findRun(c.env.DB, c.get("siteId"), c.req.param("id"));
  if (!run) return aiError(c, 404, notFound.error, notFound.message);
  const before = await runSnapshot(c.env, run);
  if (["complete", "errored", "terminated"].includes(before.status)) {
    return aiError(c, 409, "NotRunning", `The evaluation has already ended (${before.status}).`, { status: before.status });
  }
  let instance: WorkflowInstance;
  try {
    instance = await c.env.AI_WORKFLOW.get(String(run.instance_id));
  } catch {
    // Admitted, but its instance was never created (the isolate died in between): it never ran.
    // End it as lost, as the desktop's next start does, instead of failing with the engine's error.
    const at = new Date().toISOString();
    await c.env.DB.prepare(
      `UPDATE ai_workflow_runs SET status = 'errored', completed_at = COALESCE(completed_at, ?), current_step = NULL,
              error_name = 'Lost', error_message = ?, updated_at = ? WHERE instance_id = ? AND status IN ('queued', 'running')`,
    ).bind(at, LOST_MESSAGE, at, run.instance_id).run();
    return aiError(c, 409, "NotRunning", `This evaluation never started: there is nothing to stop. ${LOST_MESSAGE}`,
      { status: "errored" });
  }
  await instance.terminate();
  const now = new Date().toISOString();
  await c.env.DB.batch([
    c.env.DB.prepare(
      `UPDATE ai_workflow_runs SET status = 'terminated', completed_at = COALESCE(completed_at, ?), current_step = NULL,
              error_name = 'Terminated', error_message = 'Stopped by ' || ?, updated_at = ? WHERE instance_id = ?`,
    ).bind(now, c.req.header("X-User-Id") ?? "an agent", now, run.instance_id),
    c.env.DB.prepare(
      "UPDATE ai_workflow_steps SET status = 'errored', ended_at = ?, error = 'terminated' WHERE instance_id = ? AND status IN ('running', 'retrying')",
    ).bind(now, run.instance_id),
  ]);
  const after = await findRun(c.env.DB, c.get("siteId"), String(run.instance_id));
  return c.json({ success: true, data: await runSnapshot(c.env, after ?? run) });
});

workflowRoutes.post("/ai-workflows/:id/retry", async (c) => {
  const run = await findRun(c.env.DB, c.get("siteId"), c.req.param("id"));
  if (!run) return aiError(c, 404, notFound.error, notFound.message);
  const userId = c.req.header("X-User-Id")?.trim() || (run.requested_by as string | null) || "unknown";
  return withIdempotency(c, () =>
    startEvaluation(c.env, {
      siteId: c.get("siteId"), leadId: String(run.lead_id), userId, force: true,
      reason: `retry of ${run.instance_id}`, now: new Date(),
    }),
  );
});
