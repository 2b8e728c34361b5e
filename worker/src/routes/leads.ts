/** Lead and lead-file routes (deployed shape + the project's paging, search, upload, content). */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { buildLeadListSql, encodeCursor, parseLeadQuery } from "../lead-query";
import { LEAD_COLUMNS, LEAD_FROM, leadFileJson, leadJson, type Row } from "../mappers";
import { plainError } from "../responses";
import { leadTransition } from "../spec";
import { FILE_TYPES, isoNow, md5Hex, newId, sha256Hex } from "../util";

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const leadRoutes = new Hono<AppEnv>();

export async function findLead(db: D1Database, siteId: string, leadId: string): Promise<Row | null> {
  return db
    .prepare(`SELECT ${LEAD_COLUMNS} ${LEAD_FROM} WHERE l.id = ? AND l.site_id = ?`)
    .bind(leadId, siteId)
    .first<Row>();
}

leadRoutes.get("/leads", async (c) => {
  const query = parseLeadQuery(c.req.query());
  const { sql, binds } = buildLeadListSql(c.get("siteId"), query, LEAD_COLUMNS, LEAD_FROM);
  const { results } = await c.env.DB.prepare(sql).bind(...binds).all<Row>();
  const page = results.slice(0, query.limit);
  let nextCursor: string | null = null;
  if (results.length > query.limit) {
    const last = page[page.length - 1];
    nextCursor = encodeCursor({
      s: query.sortBy,
      o: query.sortOrder,
      v: last.sort_value as string | number,
      id: String(last.id),
    });
  }
  return c.json({ success: true, data: page.map(leadJson), next_cursor: nextCursor });
});

leadRoutes.get("/leads/:id", async (c) => {
  const lead = await findLead(c.env.DB, c.get("siteId"), c.req.param("id"));
  if (!lead) return plainError(c, 404, "Not found", "Lead not found");
  return c.json({ success: true, data: leadJson(lead) });
});

leadRoutes.get("/leads/:id/files", async (c) => {
  const leadId = c.req.param("id");
  const siteId = c.get("siteId");
  if (!(await findLead(c.env.DB, siteId, leadId))) return plainError(c, 404, "Not found", "Lead not found");
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM lead_files WHERE lead_id = ? AND site_id = ? ORDER BY uploaded_at, id",
  )
    .bind(leadId, siteId)
    .all<Row>();
  return c.json({ success: true, data: results.map(leadFileJson) });
});

/** A file name safe for an R2 key: letters, digits, dot, dash, underscore; at most 100 chars. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(-100);
  return cleaned || "file";
}

interface Upload {
  fileName: string;
  fileType: string;
  mimeType: string;
  bytes: ArrayBuffer;
}

async function readUpload(req: Request): Promise<Upload | string> {
  const contentType = req.headers.get("Content-Type") ?? "";
  const declared = Number(req.headers.get("Content-Length") ?? "0");
  if (declared > MAX_UPLOAD_BYTES) return "too_large";
  if (contentType.toLowerCase().startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      return "The multipart body could not be read";
    }
    const file = form.get("file");
    if (!file || typeof file === "string") return "The multipart body needs a 'file' part";
    const f = file as unknown as File;
    const fileType = String(form.get("file_type") ?? form.get("fileType") ?? "other");
    return {
      fileName: f.name || "file",
      fileType,
      mimeType: f.type || "application/octet-stream",
      bytes: await f.arrayBuffer(),
    };
  }
  const rawName = req.headers.get("X-File-Name");
  if (!rawName) return "Missing X-File-Name header (or send multipart/form-data with a 'file' part)";
  let fileName = rawName;
  try {
    fileName = decodeURIComponent(rawName);
  } catch {
    // keep the raw header
  }
  return {
    fileName,
    fileType: req.headers.get("X-File-Type") ?? "other",
    mimeType: contentType.split(";")[0].trim() || "application/octet-stream",
    bytes: await req.arrayBuffer(),
  };
}

leadRoutes.post("/leads/:id/files", async (c) => {
  const leadId = c.req.param("id");
  const siteId = c.get("siteId");
  const lead = await findLead(c.env.DB, siteId, leadId);
  if (!lead) return plainError(c, 404, "Not found", "Lead not found");
  const upload = await readUpload(c.req.raw);
  if (upload === "too_large") {
    return plainError(c, 413, "Payload too large", `Files are limited to ${MAX_UPLOAD_BYTES / 1048576} MiB`);
  }
  if (typeof upload === "string") return plainError(c, 400, "Bad request", upload);
  if (upload.bytes.byteLength === 0) return plainError(c, 400, "Bad request", "The file is empty");
  if (upload.bytes.byteLength > MAX_UPLOAD_BYTES) {
    return plainError(c, 413, "Payload too large", `Files are limited to ${MAX_UPLOAD_BYTES / 1048576} MiB`);
  }
  if (!(FILE_TYPES as readonly string[]).includes(upload.fileType)) {
    return plainError(c, 400, "Bad request", `Invalid file type '${upload.fileType.slice(0, 40)}': expected one of ${FILE_TYPES.join(", ")}`);
  }
  const now = isoNow();
  const [sha256, md5] = await Promise.all([sha256Hex(upload.bytes), md5Hex(upload.bytes)]);
  const safeName = safeFileName(upload.fileName);
  const r2Key = `leads/${leadId}/${Date.now()}-${safeName}`;
  await c.env.R2_PRIVATE.put(r2Key, upload.bytes, {
    httpMetadata: { contentType: upload.mimeType },
    customMetadata: { leadId, siteId, sha256 },
  });
  const id = newId("file");
  const row = {
    id, lead_id: leadId, site_id: siteId, file_type: upload.fileType, file_name: upload.fileName.slice(0, 255),
    file_size: upload.bytes.byteLength, mime_type: upload.mimeType, r2_key: r2Key, sha256, md5, uploaded_at: now,
  };
  await c.env.DB.batch([
    c.env.DB.prepare(
      `INSERT INTO lead_files (id, lead_id, site_id, file_type, file_name, file_size, mime_type, r2_key, sha256, md5, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(row.id, row.lead_id, row.site_id, row.file_type, row.file_name, row.file_size, row.mime_type, row.r2_key, row.sha256, row.md5, row.uploaded_at),
    leadTransition(c.env.DB, "documents_added", { id: leadId, siteId }, now),
    c.env.DB.prepare(
      "INSERT INTO lead_history (lead_id, site_id, action, detail, user_id, created_at) VALUES (?, ?, 'file_uploaded', ?, ?, ?)",
    ).bind(leadId, siteId, JSON.stringify({ file_id: id, sha256 }), c.req.header("X-User-Id") ?? null, now),
  ]);
  return c.json({ success: true, data: leadFileJson(row) }, 201);
});

leadRoutes.get("/leads/:id/files/:fileId/content", async (c) => {
  const row = await c.env.DB.prepare("SELECT * FROM lead_files WHERE id = ? AND lead_id = ? AND site_id = ?")
    .bind(c.req.param("fileId"), c.req.param("id"), c.get("siteId"))
    .first<Row>();
  if (!row) return plainError(c, 404, "Not found", "File not found");
  const obj = await c.env.R2_PRIVATE.get(String(row.r2_key));
  if (!obj) return plainError(c, 404, "Not found", "File content not found");
  const name = String(row.file_name).replace(/[^A-Za-z0-9._ -]/g, "_");
  return new Response(obj.body, {
    headers: {
      "Content-Type": String(row.mime_type ?? obj.httpMetadata?.contentType ?? "application/octet-stream"),
      "Content-Length": String(obj.size),
      "Content-Disposition": `attachment; filename="${name}"`,
      "X-Content-SHA256": String(row.sha256),
      "Cache-Control": "private, no-store",
    },
  });
});
