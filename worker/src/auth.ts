/**
 * Bearer-token auth for /api/ops/*: tokens are stored only as SHA-256 hex in `api_tokens`, each
 * granting sites in `api_token_sites`. 400 without X-Site-Id, 401 without/unknown/revoked token,
 * 403 when the token has no grant for the site.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env";
import { plainError } from "./responses";
import { sha256Hex } from "./util";

const SITE_ID_RE = /^[A-Za-z0-9_.:-]{1,100}$/;

export function requireSiteAndToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const siteId = c.req.header("X-Site-Id")?.trim();
    if (!siteId) return c.json({ error: "Missing X-Site-Id header" }, 400);
    if (!SITE_ID_RE.test(siteId)) return plainError(c, 400, "Bad request", "Invalid X-Site-Id header");

    const auth = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!match) {
      c.header("WWW-Authenticate", 'Bearer realm="leaselab"');
      return plainError(c, 401, "Unauthorized", "A valid bearer token is required");
    }
    const tokenHash = await sha256Hex(match[1]);
    const row = await c.env.DB.prepare(
      `SELECT t.user_id AS user_id,
              EXISTS (SELECT 1 FROM api_token_sites s WHERE s.token_hash = t.token_hash AND s.site_id = ?2) AS granted
         FROM api_tokens t
        WHERE t.token_hash = ?1 AND t.revoked_at IS NULL`,
    )
      .bind(tokenHash, siteId)
      .first<{ user_id: string | null; granted: number }>();
    if (!row) {
      c.header("WWW-Authenticate", 'Bearer realm="leaselab", error="invalid_token"');
      return plainError(c, 401, "Unauthorized", "The bearer token is unknown or revoked");
    }
    if (!row.granted) {
      return plainError(c, 403, "Forbidden", "This token has no access to the requested site");
    }
    c.set("siteId", siteId);
    c.set("tokenHash", tokenHash);
    c.set("tokenUserId", row.user_id);
    await next();
  };
}
