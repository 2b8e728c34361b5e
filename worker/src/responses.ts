/** The two error shapes of the ops API, in one place. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Lead routes / unknown routes / 500s: `{"error": "...", "message": "..."}`. */
export function plainError(c: Context, status: ContentfulStatusCode, error: string, message: string) {
  return c.json({ error: error, message }, status);
}

/** AI routes: `{"success": false, "error": "<Code>", "message": "...", ...extra}`. */
export function aiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return c.json({ success: false, error: code, message, ...extra }, status);
}

/** A request the client must fix: thrown from validators, answered 400 by the app's onError. */
export class BadRequest extends Error {
  constructor(message: string, readonly code = "BadRequest") {
    super(message);
  }
}
