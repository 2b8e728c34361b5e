/** Bindings and vars of the worker (see wrangler.toml). */
export interface EvaluationParams {
  leadId: string;
  siteId: string;
  userId: string | null;
  force: boolean;
  reason: string | null;
}

export interface Env {
  DB: D1Database;
  R2_PRIVATE: R2Bucket;
  AI: Ai;
  AI_WORKFLOW: Workflow<EvaluationParams>;
  /** "workers-ai" | "openai-compatible" | "rules" */
  AI_PROVIDER: string;
  AI_BASE_URL: string;
  AI_MODEL: string;
  /** Page images go to the model: "auto" (known vision model names, the default), "on" or "off". */
  AI_VISION?: string;
  /** Optional secret for an OpenAI-compatible endpoint (`wrangler secret put AI_API_KEY`). */
  AI_API_KEY?: string;
  /** Optional Email binding (send_email) and addresses for step 7. */
  NOTIFY_EMAIL?: SendEmail;
  NOTIFY_FROM?: string;
  NOTIFY_TO?: string;
}

export interface AppVariables {
  requestId: string;
  siteId: string;
  tokenHash: string;
  tokenUserId: string | null;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
