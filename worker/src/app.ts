/** The Hono app: health, auth for /api/ops/*, the routes, a 404 and a non-leaking error handler. */
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { requireSiteAndToken } from "./auth";
import { BadRequest, plainError } from "./responses";
import { evaluationRoutes } from "./routes/evaluations";
import { leadRoutes } from "./routes/leads";
import { workflowRoutes } from "./routes/workflows";

export const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  const requestId = c.req.header("CF-Ray") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  await next();
  c.header("X-Request-Id", requestId);
});

app.get("/api/health", (c) => c.json({ success: true, data: { status: "ok", flavour: "workflow" } }));

app.use("/api/ops/*", requireSiteAndToken());
app.route("/api/ops", leadRoutes);
app.route("/api/ops", evaluationRoutes);
app.route("/api/ops", workflowRoutes);

app.notFound((c) => plainError(c, 404, "Not found", "Route not found"));

app.onError((err, c) => {
  if (err instanceof BadRequest) return plainError(c, 400, "Bad request", err.message);
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  console.error(`[${requestId}] ${c.req.method} ${new URL(c.req.url).pathname}:`, err);
  return c.json({ error: "Internal error", message: "Something went wrong", request_id: requestId }, 500);
});
