/**
 * The watch of one run as Server-Sent Events (`GET /api/ops/ai-workflows/:id/events`).
 *
 * - `event: snapshot` first: `data` is the full run, the same JSON as the status route's `data`.
 * - `event: change` per visible change: `data` holds only what changed: the top-level fields that
 *   changed (`status`, `current_step`, `output`, `error`, `completed_at`, `can_retry`, ...) and under
 *   `steps` each changed step as its `name` plus its changed fields (merge them into the step of that
 *   name; a name not seen before is a new step). The final change carries `output` / `error`.
 * - every event has `id:` = the status route's ETag of the run after that event (without quotes).
 * - `: keep-alive` comments when nothing was written for `keepalive` seconds (default 10, 1–15).
 * - the stream ends after the event whose status is finished (complete / errored / terminated).
 *   A stream open for `MAX_STREAM_MS` ends with `event: reconnect` (the client reconnects at once).
 * - Reconnect with `Last-Event-ID` (or `?since=`): if it is the run's current id, no snapshot is
 *   sent, only the changes from then on (a `: resumed` comment comes first); otherwise a fresh full
 *   snapshot. A finished run always gets its full snapshot.
 *
 * When the client accepts gzip the stream is gzipped here, one compressor for the whole stream with a
 * sync flush after every write (each event leaves at once, and is compressed against the earlier
 * ones); the runtime's own compression would hold events back until the stream ends.
 *
 * The server looks at D1 every `WATCH_INTERVAL_MS` (one small query on the run row and its step
 * rows); the full run (with the instance's status()) is read only when that changed, while the run
 * row says finished, or every `FULL_CHECK_MS` (an instance can end without recording it).
 */
import { constants, createGzip } from "node:zlib";
import type { Env } from "./env";
import type { Row } from "./mappers";
import { runSnapshot } from "./run-status";
import { sha256Hex } from "./util";

export const WATCH_INTERVAL_MS = 300;
export const FULL_CHECK_MS = 2000;
export const KEEPALIVE_DEFAULT_S = 10;
export const MAX_STREAM_MS = 5 * 60_000;
const FINISHED = new Set(["complete", "errored", "terminated"]);

export type RunView = Awaited<ReturnType<typeof runSnapshot>>;

/** The status route's body for a run; its ETag and the stream's event ids come from it. */
export function statusBody(snap: RunView): string {
  return JSON.stringify({ success: true, data: snap });
}

export async function runTag(snap: RunView): Promise<string> {
  return (await sha256Hex(statusBody(snap))).slice(0, 32);
}

/** What changed from `prev` to `next`, or null when nothing did: the top-level fields that changed,
 * and for each step that changed its `name` with only its changed fields. */
export function runDelta(prev: RunView, next: RunView): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  const before = prev as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(next)) {
    if (key === "steps") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) out[key] = value;
  }
  const old = new Map(prev.steps.map((s) => [s.name, s as unknown as Record<string, unknown>]));
  const steps: Record<string, unknown>[] = [];
  for (const step of next.steps) {
    const was = old.get(step.name);
    const changed: Record<string, unknown> = { name: step.name };
    for (const [key, value] of Object.entries(step)) {
      if (!was || JSON.stringify(was[key]) !== JSON.stringify(value)) changed[key] = value;
    }
    if (Object.keys(changed).length > 1) steps.push(changed);
  }
  if (steps.length) out.steps = steps;
  return Object.keys(out).length ? out : null;
}

const PROBE_SQL = `SELECT r.status AS status, r.current_step AS current_step, r.evaluation_id AS evaluation_id,
    r.error_message AS error_message, r.completed_at AS completed_at,
    (SELECT group_concat(s.name || ':' || s.status || ':' || s.attempts || ':' || IFNULL(s.started_at, '') || ':' ||
                         IFNULL(s.ended_at, '') || ':' || IFNULL(s.error, ''), '|')
       FROM ai_workflow_steps s WHERE s.instance_id = r.instance_id) AS steps
  FROM ai_workflow_runs r WHERE r.instance_id = ? AND r.site_id = ?`;

export interface WatchOptions {
  since: string | null;
  keepaliveMs: number;
  signal?: AbortSignal;
  intervalMs?: number;
  maxMs?: number;
  /** The client accepts gzip: the stream is gzipped here, each write flushed as it is made. */
  gzip?: boolean;
}

export function keepaliveMs(raw: string | undefined): number {
  const n = Number(raw);
  const s = Number.isFinite(n) && raw !== undefined && raw !== "" ? Math.min(Math.max(n, 1), 15) : KEEPALIVE_DEFAULT_S;
  return Math.round(s * 1000);
}

/** The SSE response for `run` (already checked to belong to the site); `first` is its current view. */
export function watchResponse(
  env: Env, siteId: string, run: Row, first: RunView, opts: WatchOptions, waitUntil: (p: Promise<unknown>) => void,
): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  waitUntil(pump(env, siteId, run, first, opts, opts.gzip ? gzipSink(writer) : plainSink(writer)));
  const headers: Record<string, string> = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
    "X-Keepalive-Seconds": String(opts.keepaliveMs / 1000),
  };
  if (opts.gzip) headers["Content-Encoding"] = "gzip";
  return new Response(readable, { status: 200, headers, encodeBody: opts.gzip ? "manual" : "automatic" });
}

interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

function plainSink(writer: WritableStreamDefaultWriter<Uint8Array>): Sink {
  const enc = new TextEncoder();
  return {
    write: (text) => writer.write(enc.encode(text)),
    close: () => writer.close(),
  };
}

/** gzip with a sync flush after every write, so each event is on the wire at once. */
function gzipSink(writer: WritableStreamDefaultWriter<Uint8Array>): Sink {
  const enc = new TextEncoder();
  const gz = createGzip();
  const out: Uint8Array[] = [];
  gz.on("data", (chunk: Uint8Array) => out.push(chunk));
  const drain = async () => {
    for (const chunk of out.splice(0)) await writer.write(chunk);
  };
  return {
    async write(text) {
      gz.write(enc.encode(text));
      await new Promise<void>((resolve) => gz.flush(constants.Z_SYNC_FLUSH, () => resolve()));
      await drain();
    },
    async close() {
      await new Promise<void>((resolve) => {
        gz.once("end", () => resolve());
        gz.end();
      });
      await drain();
      await writer.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pump(
  env: Env, siteId: string, run: Row, first: RunView, opts: WatchOptions, sink: Sink,
): Promise<void> {
  const interval = opts.intervalMs ?? WATCH_INTERVAL_MS;
  const maxMs = opts.maxMs ?? MAX_STREAM_MS;
  const opened = Date.now();
  let lastWrite = Date.now();
  const write = async (text: string) => {
    await sink.write(text);
    lastWrite = Date.now();
  };
  const instanceId = String(run.instance_id);
  try {
    let prev = first;
    const tag = await runTag(first);
    if (opts.since === tag && !FINISHED.has(first.status)) await write(": resumed\n\n");
    else await write(`event: snapshot\nid: ${tag}\ndata: ${JSON.stringify(first)}\n\n`);
    let probe: string | null = null;
    let lastFull = Date.now();
    while (!FINISHED.has(prev.status)) {
      if (opts.signal?.aborted) return;
      if (Date.now() - opened >= maxMs) {
        await write("event: reconnect\ndata: {}\n\n");
        return;
      }
      await sleep(interval);
      const row = await env.DB.prepare(PROBE_SQL).bind(instanceId, siteId).first<Row>();
      if (!row) return; // the run row is gone: end without a finished event (the client falls back)
      const now = Date.now();
      const fp = JSON.stringify(row);
      if (fp !== probe || FINISHED.has(String(row.status)) || now - lastFull >= FULL_CHECK_MS) {
        probe = fp;
        lastFull = now;
        const fresh = await env.DB.prepare("SELECT * FROM ai_workflow_runs WHERE instance_id = ? AND site_id = ?")
          .bind(instanceId, siteId).first<Row>();
        if (!fresh) return;
        const next = await runSnapshot(env, fresh);
        const delta = runDelta(prev, next);
        if (delta) {
          await write(`event: change\nid: ${await runTag(next)}\ndata: ${JSON.stringify(delta)}\n\n`);
          prev = next;
          continue;
        }
      }
      if (Date.now() - lastWrite >= opts.keepaliveMs) await write(": keep-alive\n\n");
    }
  } catch {
    // the client went away (writes fail) or D1 failed: end the stream; the client falls back.
  } finally {
    try {
      await sink.close();
    } catch {
      // already closed or errored
    }
  }
}
