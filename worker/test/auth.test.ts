import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, client, createLead, createSite, createToken, json } from "./helpers";

describe("health and auth", () => {
  it("answers health without auth", async () => {
    const res = await SELF.fetch(`${BASE}/api/health`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ success: true, data: { status: "ok", flavour: "workflow" } });
  });

  it("needs X-Site-Id (400), a token (401) and a grant for the site (403)", async () => {
    const site = await createSite();
    const noSite = await SELF.fetch(`${BASE}/api/ops/leads`, { headers: { Authorization: `Bearer ${site.token}` } });
    expect(noSite.status).toBe(400);
    expect(await json(noSite)).toEqual({ error: "Missing X-Site-Id header" });

    const noToken = await SELF.fetch(`${BASE}/api/ops/leads`, { headers: { "X-Site-Id": site.siteId } });
    expect(noToken.status).toBe(401);
    expect((await json(noToken)).error).toBe("Unauthorized");

    const unknown = await client({ siteId: site.siteId, token: "not-a-real-token" }).get("/api/ops/leads");
    expect(unknown.status).toBe(401);

    const other = await createSite();
    const forbidden = await client({ siteId: other.siteId, token: site.token }).get("/api/ops/leads");
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).message).toMatch(/no access/);

    const ok = await client(site).get("/api/ops/leads");
    expect(ok.status).toBe(200);
  });

  it("refuses a revoked token", async () => {
    const site = await createSite();
    const revoked = await createToken([site.siteId], { revoked: true });
    const res = await client({ siteId: site.siteId, token: revoked }).get("/api/ops/leads");
    expect(res.status).toBe(401);
  });

  it("stores only the hash of a token", async () => {
    const site = await createSite();
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = ?").bind(site.token).first<{ n: number }>();
    expect(row?.n).toBe(0);
  });

  it("hides another site's lead, evaluation and instance behind 404", async () => {
    const a = await createSite();
    const b = await createSite();
    const leadB = await createLead(b);
    const ca = client(a);
    const lead = await ca.get(`/api/ops/leads/${leadB}`);
    expect(lead.status).toBe(404);
    expect(await json(lead)).toEqual({ error: "Not found", message: "Lead not found" });
    expect((await ca.get(`/api/ops/leads/${leadB}/files`)).status).toBe(404);
    expect((await ca.get(`/api/ops/leads/${leadB}/ai-evaluation`)).status).toBe(404);
    const start = await ca.post(`/api/ops/leads/${leadB}/ai-evaluation`, {});
    expect(start.status).toBe(404);
    expect((await json(start)).error).toBe("LeadNotFound");

    // Start one in site B, then look at it from site A.
    const started = await json(await client(b).post(`/api/ops/leads/${leadB}/ai-evaluation`, {}));
    const id = started.data.instance_id;
    const wf = await ca.get(`/api/ops/ai-workflows/${id}`);
    expect(wf.status).toBe(404);
    expect(await json(wf)).toEqual({ success: false, error: "WorkflowNotFound", message: "Workflow instance not found" });
    expect((await ca.post(`/api/ops/ai-workflows/${id}/terminate`)).status).toBe(404);
    expect((await ca.post(`/api/ops/ai-workflows/${id}/retry`)).status).toBe(404);
  });

  it("answers unknown routes with the plain error shape", async () => {
    const res = await SELF.fetch(`${BASE}/nope`);
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: "Not found", message: "Route not found" });
  });

  it("never leaks internals on a server error", async () => {
    const site = await createSite();
    await env.DB.prepare("ALTER TABLE ai_evaluation_usage RENAME TO ai_evaluation_usage_moved").run();
    try {
      const res = await client(site).get("/api/ops/ai-usage");
      expect(res.status).toBe(500);
      const body = await json(res);
      expect(body.error).toBe("Internal error");
      expect(body.message).toBe("Something went wrong");
      expect(typeof body.request_id).toBe("string");
      expect(JSON.stringify(body)).not.toMatch(/SQL|no such table|ai_evaluation_usage/i);
      expect(res.headers.get("X-Request-Id")).toBe(body.request_id);
    } finally {
      await env.DB.prepare("ALTER TABLE ai_evaluation_usage_moved RENAME TO ai_evaluation_usage").run();
    }
  });
});
