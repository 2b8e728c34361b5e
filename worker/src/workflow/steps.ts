/** The bodies of the evaluation steps (pure functions of env + inputs; the workflow wires them). */
import { NonRetryableError } from "cloudflare:workflows";
import { parseModelOutput, ModelOutputError } from "../ai/parse";
import { buildFacts, doubtful, type LeadSnapshot } from "../ai/rules";
import type { ProviderAnswer } from "../ai/providers";
import { inspectDocument, type DocumentFacts, type FileRow } from "../documents/inspect";
import { detectSignals, documentFingerprint } from "../documents/signals";
import type { Env } from "../env";
import { POLICY, score, type ApplicantFacts, type ScoreResult, type Signal } from "../scoring";

export const MAX_DOCUMENTS = 40;

export async function fetchLead(env: Env, leadId: string, siteId: string): Promise<LeadSnapshot> {
  const row = await env.DB.prepare(
    `SELECT l.id, l.site_id, l.first_name, l.last_name, l.email, l.phone, l.current_address, l.employment_status,
            l.employer, l.employment_start_date, l.monthly_income, l.move_in_date, u.monthly_rent AS monthly_rent,
            COALESCE(s.policy_profile, 'default') AS policy_profile
       FROM leads l LEFT JOIN units u ON u.id = l.unit_id LEFT JOIN sites s ON s.id = l.site_id
      WHERE l.id = ? AND l.site_id = ?`,
  ).bind(leadId, siteId).first<LeadSnapshot>();
  if (!row) throw new NonRetryableError(`Lead ${leadId} was not found in site ${siteId}`);
  return row;
}

export interface DocumentsResult {
  documents: DocumentFacts[];
  signals: Signal[];
  fingerprint: string;
  hashes: string[];
  skipped: number;
}

export async function loadDocuments(env: Env, lead: LeadSnapshot): Promise<DocumentsResult> {
  const { results } = await env.DB.prepare(
    "SELECT id, file_name, file_type, r2_key, sha256, mime_type FROM lead_files WHERE lead_id = ? AND site_id = ? ORDER BY uploaded_at, id",
  ).bind(lead.id, lead.site_id).all<FileRow>();
  const files = results.slice(0, MAX_DOCUMENTS);
  const documents: DocumentFacts[] = [];
  for (const f of files) {
    const obj = await env.R2_PRIVATE.get(f.r2_key);
    const bytes = obj ? new Uint8Array(await obj.arrayBuffer()) : null;
    documents.push(await inspectDocument(f, bytes));
  }
  const hashes = [...new Set(documents.map((d) => d.sha256).filter(Boolean))];
  const reused: Record<string, string[]> = {};
  if (hashes.length) {
    const { results: others } = await env.DB.prepare(
      `SELECT sha256, lead_id FROM lead_files WHERE site_id = ? AND lead_id != ? AND sha256 IN (${hashes.map(() => "?").join(",")})`,
    ).bind(lead.site_id, lead.id, ...hashes).all<{ sha256: string; lead_id: string }>();
    for (const o of others) (reused[o.sha256] ??= []).push(o.lead_id);
  }
  return {
    documents, signals: detectSignals(documents, reused, lead), fingerprint: await documentFingerprint(hashes), hashes: hashes.sort(),
    skipped: results.length - files.length,
  };
}

export interface Draft {
  facts: ApplicantFacts;
  signals: Signal[];
  result: ScoreResult;
  summary: string;
  profile: string;
  parse_notes: string[];
}

export function parseAndScore(lead: LeadSnapshot, docs: DocumentsResult, answer: ProviderAnswer, today: Date): Draft {
  let parsed;
  try {
    parsed = parseModelOutput(answer.raw);
  } catch (err) {
    if (err instanceof ModelOutputError) throw new NonRetryableError(`The AI answer could not be used: ${err.message}`);
    throw err;
  }
  const base = buildFacts(lead, docs.documents, today, docs.signals).facts;
  const facts: ApplicantFacts = { ...base, ...parsed.facts };
  if (doubtful(docs.documents, docs.signals).size) {
    // a forged document verifies nothing: the model that read it cannot verify its figures either
    facts.verified_monthly_income = base.verified_monthly_income;
    facts.average_bank_balance = base.average_bank_balance;
  }
  const seen = new Set(docs.signals.map((s) => `${s.code}|${s.document}`));
  const signals = [...docs.signals, ...parsed.signals.filter((s) => !seen.has(`${s.code}|${s.document}`))];
  let profile = lead.policy_profile in POLICY.profiles ? lead.policy_profile : "default";
  const result = score(facts, signals, POLICY, profile);
  if (profile !== lead.policy_profile) {
    result.compliance_notes.push(`The site's policy profile '${lead.policy_profile}' is unknown; the default profile was used.`);
    profile = "default";
  }
  const summary = parsed.summary ? `${result.summary} ${parsed.summary}` : result.summary;
  return { facts, signals, result, summary: summary.slice(0, 4000), profile, parse_notes: parsed.notes.slice(0, 20) };
}
