/**
 * AiEvaluationWorkflow: the seven steps of the shared spec, each with its retry/timeout config,
 * each recording its progress in D1. Documents are read from R2 inside the steps that need them;
 * step results carry facts and references, never bytes.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { callProvider, type ProviderAnswer } from "../ai/providers";
import type { LeadSnapshot } from "../ai/rules";
import type { Env, EvaluationParams } from "../env";
import { parseAndScore, fetchLead, loadDocuments, type DocumentsResult, type Draft } from "./steps";
import { ProgressRecorder } from "./progress";
import { leadTransition, STEP_CONFIG } from "../spec";
import { recommendationName } from "../wording";

// Names and retry/timeout configs (with the reason for each) are the shared spec's: the local
// engine runs the same numbers (resources/spec/workflow.json).
export { STEP_CONFIG };

export class AiEvaluationWorkflow extends WorkflowEntrypoint<Env, EvaluationParams> {
  override async run(event: Readonly<WorkflowEvent<EvaluationParams>>, step: WorkflowStep) {
    const { leadId, siteId, userId, force, reason } = event.payload;
    const instanceId = event.instanceId;
    const progress = new ProgressRecorder(this.env.DB, instanceId);
    const today = new Date(event.timestamp);

    const tracked = <T>(name: string, fn: () => Promise<T>): Promise<T> =>
      step.do(name, STEP_CONFIG[name], async () => {
        const attempt = await progress.attemptStarted(name);
        try {
          const out = await fn();
          await progress.attemptSucceeded(name);
          return out as never;
        } catch (err) {
          const final = err instanceof NonRetryableError || attempt > STEP_CONFIG[name].retries.limit;
          await progress.attemptFailed(name, err, final).catch(() => undefined);
          throw err;
        }
      }) as Promise<T>;

    try {
      const lead = await tracked<LeadSnapshot>("fetch-lead", () => fetchLead(this.env, leadId, siteId));
      const docs = await tracked<DocumentsResult>("load-documents", () => loadDocuments(this.env, lead));
      const answer = await tracked<ProviderAnswer>("call-workers-ai", () =>
        callProvider(this.env, lead, docs.documents, docs.signals, today));
      const draft = await tracked<Draft>("parse-ai-response", async () => parseAndScore(lead, docs, answer, today));
      const evaluationId = `eval_${instanceId}`;
      const evaluatedAt = today.toISOString();
      const r = draft.result;
      await tracked("save-evaluation", async () => {
        await this.env.DB.prepare(
          `INSERT INTO lead_ai_evaluations (id, lead_id, site_id, workflow_instance_id, score, label, recommendation, summary,
             risk_flags, fraud_signals, factors, signals, what_would_change, compliance_notes, facts, file_hashes,
             document_fingerprint, policy_version, model_version, provider, forced_reason, requested_by, evaluated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO NOTHING`,
        ).bind(
          evaluationId, leadId, siteId, instanceId, r.score, r.label, r.recommendation, draft.summary,
          JSON.stringify(r.risk_flags), JSON.stringify(r.fraud_signals), JSON.stringify(r.factors), JSON.stringify(draft.signals),
          JSON.stringify(r.what_would_change), JSON.stringify(r.compliance_notes), JSON.stringify({ ...draft.facts, profile: draft.profile }),
          JSON.stringify(docs.hashes), docs.fingerprint || null, r.policy_version, answer.model_version, answer.provider,
          force ? reason : null, userId, evaluatedAt,
        ).run();
        return { evaluation_id: evaluationId };
      });
      await tracked("update-lead", async () => {
        const now = new Date().toISOString();
        await this.env.DB.batch([
          this.env.DB.prepare("UPDATE leads SET ai_score = ?, ai_label = ?, updated_at = ? WHERE id = ? AND site_id = ?")
            .bind(r.score, r.label, now, leadId, siteId),
          leadTransition(this.env.DB, "evaluation_completed", { id: leadId, siteId }, now),
          this.env.DB.prepare(
            `INSERT INTO lead_history (lead_id, site_id, action, detail, user_id, created_at)
             SELECT ?, ?, 'ai_evaluated', ?, ?, ? WHERE NOT EXISTS
               (SELECT 1 FROM lead_history WHERE lead_id = ? AND action = 'ai_evaluated' AND instr(detail, ?) > 0)`,
          ).bind(leadId, siteId, JSON.stringify({ evaluation_id: evaluationId, score: r.score, label: r.label }), userId, now,
            leadId, `"evaluation_id":"${evaluationId}"`),
        ]);
        return { updated: true };
      });
      await tracked("send-email-notification", async () => {
        if (this.env.NOTIFY_EMAIL && this.env.NOTIFY_FROM && this.env.NOTIFY_TO) {
          const { EmailMessage } = await import("cloudflare:email");
          // in the console's words (resources/spec/wording.json); the ids stay as the references
          const text = `Score ${r.score} of 100, label ${r.label}: ${recommendationName(r.recommendation)}.\r\n`
            + `Lead ${leadId}, evaluation ${evaluationId}.`;
          const raw = [
            `From: ${this.env.NOTIFY_FROM}`, `To: ${this.env.NOTIFY_TO}`, "Subject: AI evaluation complete",
            `Message-ID: <${evaluationId}@leaselab>`, "Content-Type: text/plain; charset=utf-8", "", text,
          ].join("\r\n");
          await this.env.NOTIFY_EMAIL.send(new EmailMessage(this.env.NOTIFY_FROM, this.env.NOTIFY_TO, raw));
          return { sent: true, channel: "email" };
        }
        return { sent: false, channel: "none", reason: "no Email binding configured (recorded no-op)" };
      });
      await progress.runCompleted(evaluationId);
      return {
        id: evaluationId, evaluation_id: evaluationId, lead_id: leadId, score: r.score, label: r.label,
        recommendation: r.recommendation, summary: draft.summary, risk_flags: r.risk_flags, fraud_signals: r.fraud_signals,
        factors: r.factors, signals: draft.signals, what_would_change: r.what_would_change, compliance_notes: r.compliance_notes,
        policy_version: r.policy_version, model_version: answer.model_version, provider: answer.provider,
        document_fingerprint: docs.fingerprint || null, workflow_instance_id: instanceId, evaluated_at: evaluatedAt,
      };
    } catch (err) {
      await progress.runFailed(leadId, siteId, err).catch(() => undefined);
      throw err;
    }
  }
}
