/** Worker entry: the Hono API and the AiEvaluationWorkflow class. */
import { app } from "./app";
import type { Env } from "./env";

export { AiEvaluationWorkflow } from "./workflow/evaluation-workflow";

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
