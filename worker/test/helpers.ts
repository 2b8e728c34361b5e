/** Test data: sites, tokens, leads and files written straight into the local D1/R2, plus a
 * small client for the worker under test. Every call makes fresh ids, so tests never collide. */
import { env, SELF } from "cloudflare:test";
import { sha256Hex } from "../src/util";

export const BASE = "https://leaselab.test";

export function uid(prefix = "t"): string {
  return `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

export interface Site {
  siteId: string;
  token: string;
  propertyId: string;
  unitId: string;
}

export async function createToken(siteIds: string[], opts: { revoked?: boolean; userId?: string } = {}): Promise<string> {
  const token = `llt_${crypto.randomUUID().replace(/-/g, "")}`;
  const hash = await sha256Hex(token);
  const now = new Date().toISOString();
  await env.DB.prepare("INSERT INTO api_tokens (token_hash, name, user_id, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)")
    .bind(hash, "test", opts.userId ?? "agent-1", now, opts.revoked ? now : null).run();
  for (const s of siteIds) {
    await env.DB.prepare("INSERT INTO api_token_sites (token_hash, site_id) VALUES (?, ?)").bind(hash, s).run();
  }
  return token;
}

export async function createSite(opts: { tier?: string; profile?: string; rent?: number; province?: string } = {}): Promise<Site> {
  const siteId = uid("site");
  const propertyId = uid("prop");
  const unitId = uid("unit");
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO sites (id, name, tier, policy_profile, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(siteId, "Test site", opts.tier ?? "free", opts.profile ?? "default", now),
    env.DB.prepare("INSERT INTO properties (id, site_id, name, address, city, province, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(propertyId, siteId, "Maple Court", "1 Maple St", "Toronto", opts.province ?? "ON", now),
    env.DB.prepare("INSERT INTO units (id, property_id, site_id, name, bedrooms, monthly_rent, is_occupied, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")
      .bind(unitId, propertyId, siteId, "Unit 101", 2, opts.rent ?? 1500, now),
  ]);
  return { siteId, token: await createToken([siteId]), propertyId, unitId };
}

export interface LeadFields {
  first_name?: string;
  last_name?: string;
  email?: string;
  status?: string;
  ai_score?: number | null;
  ai_label?: string | null;
  monthly_income?: number | null;
  employment_status?: string;
  employment_start_date?: string | null;
  is_active?: number;
  created_at?: string;
  updated_at?: string;
}

export async function createLead(site: Site, f: LeadFields = {}): Promise<string> {
  const id = uid("lead");
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO leads (id, site_id, property_id, unit_id, first_name, last_name, email, phone, current_address,
       employment_status, employer, employment_start_date, monthly_income, move_in_date, message, status, ai_score, ai_label,
       is_active, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, '416-555-0100', '10 King St, Toronto', ?, 'Maple Logistics Inc.', ?, ?, '2026-12-01', 'Hello', ?, ?, ?, ?, ?, ?)`,
  ).bind(
    id, site.siteId, site.propertyId, site.unitId, f.first_name ?? "Ada", f.last_name ?? "Lovelace",
    f.email ?? `${id}@example.com`, f.employment_status ?? "employed",
    f.employment_start_date === undefined ? "2023-01-15" : f.employment_start_date,
    f.monthly_income === undefined ? 5200 : f.monthly_income, f.status ?? "new",
    f.ai_score ?? null, f.ai_label ?? null, f.is_active ?? 1, f.created_at ?? now, f.updated_at ?? now,
  ).run();
  return id;
}

export interface Client {
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  upload(leadId: string, name: string, type: string, bytes: Uint8Array, mime?: string): Promise<Response>;
}

export function client(site: { siteId: string; token: string }, userId: string | null = "agent-1"): Client {
  const headers = (extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${site.token}`, "X-Site-Id": site.siteId, ...(userId ? { "X-User-Id": userId } : {}), ...extra,
  });
  return {
    get: (path, extra) => SELF.fetch(`${BASE}${path}`, { headers: headers(extra) }),
    post: (path, body, extra) =>
      SELF.fetch(`${BASE}${path}`, {
        method: "POST", headers: headers({ "Content-Type": "application/json", ...extra }),
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
    upload: (leadId, name, type, bytes, mime = "application/pdf") =>
      SELF.fetch(`${BASE}/api/ops/leads/${leadId}/files`, {
        method: "POST", headers: headers({ "Content-Type": mime, "X-File-Name": name, "X-File-Type": type }), body: bytes,
      }),
  };
}

export async function json<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
}

/** Poll the status route until the run reaches one of `statuses` (bounded). */
export async function waitForRun(c: Client, instanceId: string, statuses = ["complete", "errored", "terminated"], timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any = null;
  while (Date.now() < deadline) {
    const res = await c.get(`/api/ops/ai-workflows/${instanceId}`);
    last = (await json(res)).data;
    if (statuses.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${instanceId} did not reach ${statuses.join("/")}: last ${JSON.stringify(last)?.slice(0, 400)}`);
}
