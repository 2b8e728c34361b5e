/** The run watch (`GET /api/ops/ai-workflows/:id/events`): snapshot, change events, end, resume, auth. */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runDelta } from "../src/run-events";
import { ProgressRecorder } from "../src/workflow/progress";
import { BASE, client, createLead, createSite, json, uid, waitForRun } from "./helpers";

interface SseEvent {
  event: string;
  id: string | null;
  data: any;
  comment?: string;
}

/** Reads Server-Sent Events off a response body, one at a time, with a deadline per event. */
class SseReader {
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private buf = "";
  private decoder = new TextDecoder();
  ended = false;

  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }

  async next(timeoutMs = 10_000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cut = this.buf.indexOf("\n\n");
      if (cut >= 0) {
        const block = this.buf.slice(0, cut);
        this.buf = this.buf.slice(cut + 2);
        const ev: SseEvent = { event: "message", id: null, data: null };
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) ev.comment = line.slice(1).trim();
          else if (line.startsWith("event: ")) ev.event = line.slice(7);
          else if (line.startsWith("id: ")) ev.id = line.slice(4);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) ev.data = JSON.parse(data.join("\n"));
        else if (ev.comment !== undefined) ev.event = "comment";
        return ev;
      }
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms; buffer ${JSON.stringify(this.buf)}`);
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left));
      const got = await Promise.race([this.reader.read(), timer]);
      if (got === "timeout") continue;
      if (got.done) this.ended = true;
      else this.buf += this.decoder.decode(got.value, { stream: true });
    }
  }

  /** The next event that is not a comment. */
  async nextEvent(timeoutMs = 10_000): Promise<SseEvent | null> {
    for (;;) {
      const ev = await this.next(timeoutMs);
      if (ev === null || ev.event !== "comment") return ev;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

/** Whether fetch already decoded the gzip body (peeks at the first bytes: "ev" vs the gzip magic). */
async function isDecoded(res: Response): Promise<boolean> {
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel().catch(() => {});
  return !(value && value[0] === 0x1f && value[1] === 0x8b);
}

function apply(snap: any, delta: any): any {
  const out = { ...snap, ...delta, steps: snap.steps.map((s: any) => ({ ...s })) };
  for (const step of delta.steps ?? []) {
    const i = out.steps.findIndex((s: any) => s.name === step.name);
    if (i >= 0) out.steps[i] = { ...out.steps[i], ...step };
    else out.steps.push(step);
  }
  return out;
}

async function createRun(siteId: string, leadId: string, instanceId: string) {
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, requested_by, queued_at, updated_at) VALUES (?, ?, ?, 'queued', 'u', ?, ?)",
  ).bind(instanceId, leadId, siteId, now, now).run();
}

function watch(site: { siteId: string; token: string }, id: string, extra: Record<string, string> = {}, query = "") {
  return client(site).get(`/api/ops/ai-workflows/${id}/events${query}`, extra);
}

describe("run watch (SSE)", () => {
  it("sends the snapshot, one small change per visible change, and ends with the finished run", async () => {
    // A run driven through its D1 progress records (no instance): every change is deterministic.
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await createRun(site.siteId, leadId, id);
    const res = await watch(site, id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const sse = new SseReader(res);
    const first = await sse.nextEvent();
    expect(first?.event).toBe("snapshot");
    const status = (await json(await client(site).get(`/api/ops/ai-workflows/${id}`))).data;
    expect(first?.data).toEqual(status);
    expect(first?.data.status).toBe("queued");

    const p = new ProgressRecorder(env.DB, id);
    await p.attemptStarted("fetch-lead");
    let ev = await sse.nextEvent();
    expect(ev?.event).toBe("change");
    expect(ev?.data.status).toBe("running");
    expect(ev?.data.current_step).toBe("fetch-lead");
    expect(ev?.data.steps.map((s: any) => [s.name, s.status])).toEqual([["fetch-lead", "running"]]);
    expect(ev?.data.output).toBeUndefined();
    expect(ev?.data.queued_at).toBeUndefined(); // only what changed
    let state = apply(first!.data, ev!.data);

    await p.attemptSucceeded("fetch-lead");
    await p.attemptStarted("load-documents");
    ev = await sse.nextEvent();
    state = apply(state, ev!.data);
    // a change that needs two writes may arrive as one or two events; wait until both are seen
    while (state.steps[1].status !== "running") state = apply(state, (await sse.nextEvent())!.data);
    expect(state.steps[0].status).toBe("complete");
    expect(JSON.stringify(ev!.data).length).toBeLessThan(JSON.stringify(first!.data).length);

    await p.attemptFailed("load-documents", new Error("R2 down"), true);
    await p.runFailed(leadId, site.siteId, new Error("R2 down"));
    for (;;) {
      ev = await sse.nextEvent();
      expect(ev?.event).toBe("change");
      state = apply(state, ev!.data);
      if (["errored", "complete", "terminated"].includes(state.status)) break;
    }
    expect(ev!.data.error).toEqual({ name: "Error", message: "R2 down" });
    expect(ev!.data.can_retry).toBe(true);
    expect(await sse.next()).toBeNull(); // the stream ends after the finished event
    const final = (await json(await client(site).get(`/api/ops/ai-workflows/${id}`))).data;
    expect(state).toEqual(final);
  });

  it("follows a real workflow run to the same final snapshot as the status route", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const c = client(site);
    const id = (await json(await c.post(`/api/ops/leads/${leadId}/ai-evaluation`, {}))).data.instance_id;
    const res = await watch(site, id);
    const sse = new SseReader(res);
    const first = await sse.nextEvent();
    expect(first?.event).toBe("snapshot");
    let state = first!.data;
    let last: SseEvent | null = first;
    for (;;) {
      const ev = await sse.nextEvent(20_000);
      if (ev === null) break;
      expect(ev.event).toBe("change");
      state = apply(state, ev.data);
      last = ev;
    }
    expect(state.status).toBe("complete");
    expect(state.output.workflow_instance_id).toBe(id);
    const final = await waitForRun(c, id);
    expect(state).toEqual(final);
    // the last id is the status route's ETag
    const etag = (await c.get(`/api/ops/ai-workflows/${id}`)).headers.get("ETag");
    expect(`"${last!.id}"`).toBe(etag);
  });

  it("gzips the stream for a client that accepts it, each event flushed at once", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await createRun(site.siteId, leadId, id);
    const res = await watch(site, id, { "Accept-Encoding": "gzip" });
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
    const body = res.headers.get("Content-Encoding") === "gzip" && !(await isDecoded(res.clone()))
      ? res.body!.pipeThrough(new DecompressionStream("gzip")) : res.body!;
    const sse = new SseReader(new Response(body));
    const first = await sse.nextEvent();
    expect(first?.event).toBe("snapshot"); // arrives while the stream is still open
    await new ProgressRecorder(env.DB, id).attemptStarted("fetch-lead");
    const ev = await sse.nextEvent();
    expect(ev?.data.steps.map((s: any) => s.name)).toEqual(["fetch-lead"]);
    await sse.cancel();
  });

  it("sends keep-alive comments while nothing changes", async () => {
    const site = await createSite();
    const id = uid("wf");
    await createRun(site.siteId, await createLead(site), id);
    const res = await watch(site, id, {}, "?keepalive=1");
    expect(res.headers.get("X-Keepalive-Seconds")).toBe("1");
    const sse = new SseReader(res);
    expect((await sse.next())?.event).toBe("snapshot");
    const t0 = Date.now();
    const ka = await sse.next(3000);
    expect(ka).toMatchObject({ event: "comment", comment: "keep-alive" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    await sse.cancel();
  });

  it("resumes from Last-Event-ID with only the changes, and sends a fresh snapshot for an old id", async () => {
    const site = await createSite();
    const leadId = await createLead(site);
    const id = uid("wf");
    await createRun(site.siteId, leadId, id);
    const a = new SseReader(await watch(site, id));
    const first = (await a.nextEvent())!;
    await a.cancel();

    const same = new SseReader(await watch(site, id, { "Last-Event-ID": first.id! }));
    expect(await same.next()).toMatchObject({ event: "comment", comment: "resumed" });
    await new ProgressRecorder(env.DB, id).attemptStarted("fetch-lead");
    const ev = (await same.nextEvent())!;
    expect(ev.event).toBe("change");
    expect(ev.data.steps.map((s: any) => s.name)).toEqual(["fetch-lead"]);
    await same.cancel();

    for (const [headers, query] of [[{ "Last-Event-ID": first.id! }, ""], [{}, `?since=${first.id}`]] as const) {
      const stale = new SseReader(await watch(site, id, headers, query));
      const again = (await stale.nextEvent())!;
      expect(again.event).toBe("snapshot");
      expect(again.data.current_step).toBe("fetch-lead");
      expect(again.id).toBe(ev.id);
      await stale.cancel();
    }
    const resumed = new SseReader(await watch(site, id, {}, `?since=${ev.id}`));
    expect(await resumed.next()).toMatchObject({ event: "comment", comment: "resumed" });
    await resumed.cancel();
  });

  it("hides another site's run (404), needs a token (401) and answers 404 for an unknown run", async () => {
    const a = await createSite();
    const b = await createSite();
    const id = uid("wf");
    await createRun(b.siteId, await createLead(b), id);
    const other = await watch(a, id);
    expect(other.status).toBe(404);
    expect(await json(other)).toMatchObject({ success: false, error: "WorkflowNotFound" });
    expect((await watch(a, "wf_nope")).status).toBe(404);
    const noToken = await SELF.fetch(`${BASE}/api/ops/ai-workflows/${id}/events`, { headers: { "X-Site-Id": b.siteId } });
    expect(noToken.status).toBe(401);
    const own = await watch(b, id);
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it("computes deltas with only what changed", () => {
    const base = {
      instance_id: "i", lead_id: "l", status: "running", current_step: "a",
      steps: [{ name: "a", status: "running", attempts: 1, started_at: "t", ended_at: null, error: null },
              { name: "b", status: "pending", attempts: 0, started_at: null, ended_at: null, error: null }],
      queued_at: "q", started_at: "t", completed_at: null, output: null, error: null, can_retry: false,
    } as any;
    expect(runDelta(base, structuredClone(base))).toBeNull();
    const next = structuredClone(base);
    next.steps[0] = { ...next.steps[0], status: "complete", ended_at: "u" };
    next.steps[1] = { ...next.steps[1], status: "running", attempts: 1, started_at: "u" };
    next.current_step = "b";
    expect(runDelta(base, next)).toEqual({
      current_step: "b",
      steps: [{ name: "a", status: "complete", ended_at: "u" }, { name: "b", status: "running", attempts: 1, started_at: "u" }],
    });
    const done = structuredClone(next);
    done.status = "complete";
    done.current_step = null;
    done.output = { score: 80 };
    done.steps[1] = { ...done.steps[1], status: "complete", ended_at: "v" };
    expect(runDelta(next, done)).toEqual({
      status: "complete", current_step: null, output: { score: 80 }, steps: [{ name: "b", status: "complete", ended_at: "v" }],
    });
  });
});
