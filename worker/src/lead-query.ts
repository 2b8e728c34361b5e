/**
 * The lead list's query parameters, whitelisted: anything unexpected is a BadRequest with a clear
 * message (never reaches SQL). Paging is keyset-based; the cursor is opaque base64url JSON.
 */
import { BadRequest } from "./responses";
import { LABELS, LEAD_STATUSES } from "./util";

export const SORT_COLUMNS = {
  aiScore: "COALESCE(l.ai_score, -1)",
  updatedAt: "l.updated_at",
  createdAt: "l.created_at",
  name: "lower(l.last_name || ' ' || l.first_name)",
} as const;
export type SortBy = keyof typeof SORT_COLUMNS;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

export interface LeadListQuery {
  status: string | null;
  propertyId: string | null;
  label: string | null;
  q: string | null;
  sortBy: SortBy;
  sortOrder: "asc" | "desc";
  limit: number;
  cursor: Cursor | null;
}

export interface Cursor {
  s: SortBy;
  o: "asc" | "desc";
  v: string | number;
  id: string;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | null {
  if (value === undefined || value === "") return null;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new BadRequest(`Invalid ${name} '${value.slice(0, 40)}': expected one of ${allowed.join(", ")}`);
  }
  return value as T;
}

export function encodeCursor(c: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(c));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(text: string): Cursor {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const obj = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
    if (
      obj && typeof obj === "object" && obj.s in SORT_COLUMNS && (obj.o === "asc" || obj.o === "desc") &&
      typeof obj.id === "string" && (typeof obj.v === "string" || typeof obj.v === "number")
    ) {
      return obj as Cursor;
    }
  } catch {
    // fall through
  }
  throw new BadRequest("Invalid cursor: pass back the next_cursor value of the previous page unchanged");
}

export function parseLeadQuery(params: Record<string, string | undefined>): LeadListQuery {
  const sortBy = oneOf("sortBy", params.sortBy, Object.keys(SORT_COLUMNS) as SortBy[]) ?? "aiScore";
  const sortOrder = oneOf("sortOrder", params.sortOrder?.toLowerCase(), ["asc", "desc"] as const) ?? "desc";
  const status = oneOf("status", params.status, LEAD_STATUSES);
  const label = oneOf("label", params.label?.toUpperCase(), LABELS);
  let limit = DEFAULT_LIMIT;
  if (params.limit !== undefined && params.limit !== "") {
    if (!/^\d{1,6}$/.test(params.limit) || Number(params.limit) < 1 || Number(params.limit) > MAX_LIMIT) {
      throw new BadRequest(`Invalid limit '${params.limit.slice(0, 20)}': expected an integer from 1 to ${MAX_LIMIT}`);
    }
    limit = Number(params.limit);
  }
  const propertyId = params.propertyId ? params.propertyId.slice(0, 200) : null;
  const q = params.q?.trim() ? params.q.trim().slice(0, 200) : null;
  const cursor = params.cursor ? decodeCursor(params.cursor) : null;
  if (cursor && (cursor.s !== sortBy || cursor.o !== sortOrder)) {
    throw new BadRequest("Invalid cursor: it belongs to a different sort order; start again without a cursor");
  }
  return { status, propertyId, label, q, sortBy, sortOrder, limit, cursor };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Build the parameterised SQL for one page (limit + 1 rows, to know whether there is a next). */
export function buildLeadListSql(siteId: string, q: LeadListQuery, columns: string, from: string) {
  const where: string[] = ["l.site_id = ?", "l.is_active = 1"];
  const binds: (string | number)[] = [siteId];
  if (q.status) {
    where.push("l.status = ?");
    binds.push(q.status);
  }
  if (q.propertyId) {
    where.push("l.property_id = ?");
    binds.push(q.propertyId);
  }
  if (q.label) {
    where.push("l.ai_label = ?");
    binds.push(q.label);
  }
  if (q.q) {
    const like = `%${escapeLike(q.q.toLowerCase())}%`;
    where.push(
      "(lower(l.first_name || ' ' || l.last_name) LIKE ? ESCAPE '\\' OR lower(l.email) LIKE ? ESCAPE '\\')",
    );
    binds.push(like, like);
  }
  const expr = SORT_COLUMNS[q.sortBy];
  const dir = q.sortOrder === "asc" ? "ASC" : "DESC";
  const cmp = q.sortOrder === "asc" ? ">" : "<";
  if (q.cursor) {
    where.push(`((${expr}) ${cmp} ? OR ((${expr}) = ? AND l.id ${cmp} ?))`);
    binds.push(q.cursor.v, q.cursor.v, q.cursor.id);
  }
  const sql = `SELECT ${columns}, (${expr}) AS sort_value ${from}
    WHERE ${where.join(" AND ")}
    ORDER BY (${expr}) ${dir}, l.id ${dir}
    LIMIT ?`;
  binds.push(q.limit + 1);
  return { sql, binds };
}
