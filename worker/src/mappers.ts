/** Rows of the one schema → the JSON shapes of the ops API. */
import { parseJsonColumn } from "./util";

export type Row = Record<string, unknown>;

/** Columns selected for a Lead (with property/unit joins); `l`, `p`, `u` aliases. */
export const LEAD_COLUMNS = `
  l.id, l.site_id, l.property_id, l.unit_id, l.first_name, l.last_name, l.email, l.phone,
  l.current_address, l.employment_status, l.employer, l.employment_start_date, l.monthly_income,
  l.move_in_date, l.message, l.status, l.ai_score, l.ai_label, l.landlord_note, l.is_active,
  l.created_at, l.updated_at,
  p.name AS property_name, u.name AS unit_name, u.monthly_rent AS monthly_rent,
  COALESCE(u.is_occupied, 0) AS is_unit_occupied`;

export const LEAD_FROM = `
  FROM leads l
  LEFT JOIN properties p ON p.id = l.property_id
  LEFT JOIN units u ON u.id = l.unit_id`;

export function leadJson(r: Row) {
  return {
    id: r.id,
    propertyId: r.property_id,
    unitId: r.unit_id ?? null,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phone: r.phone ?? null,
    currentAddress: r.current_address ?? null,
    employmentStatus: r.employment_status ?? null,
    employer: r.employer ?? null,
    employmentStartDate: r.employment_start_date ?? null,
    monthlyIncome: r.monthly_income ?? null,
    monthlyRent: r.monthly_rent ?? null,
    moveInDate: r.move_in_date ?? null,
    message: r.message ?? null,
    status: r.status,
    aiScore: r.ai_score ?? null,
    aiLabel: r.ai_label ?? null,
    landlordNote: r.landlord_note ?? null,
    isActive: Boolean(r.is_active),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    isUnitOccupied: Boolean(r.is_unit_occupied),
    propertyName: r.property_name ?? null,
    unitName: r.unit_name ?? null,
  };
}

export function leadFileJson(r: Row) {
  return {
    id: r.id,
    leadId: r.lead_id,
    fileType: r.file_type,
    fileName: r.file_name,
    fileSize: r.file_size,
    mimeType: r.mime_type ?? null,
    r2Key: r.r2_key,
    sha256: r.sha256,
    md5: r.md5,
    uploadedAt: r.uploaded_at,
  };
}

/** Evaluation: snake_case with both `id` and `evaluation_id` (docs/ops-api.md). */
export function evaluationJson(r: Row, override: Row | null = null) {
  return {
    id: r.id,
    evaluation_id: r.id,
    lead_id: r.lead_id,
    score: r.score,
    label: r.label,
    recommendation: r.recommendation,
    summary: r.summary ?? "",
    risk_flags: parseJsonColumn<string[]>(r.risk_flags, []),
    fraud_signals: parseJsonColumn<string[]>(r.fraud_signals, []),
    factors: parseJsonColumn<unknown[]>(r.factors, []),
    signals: parseJsonColumn<unknown[]>(r.signals, []),
    what_would_change: parseJsonColumn<string[]>(r.what_would_change, []),
    compliance_notes: parseJsonColumn<string[]>(r.compliance_notes, []),
    facts: parseJsonColumn<Record<string, unknown>>(r.facts, {}),
    file_hashes: parseJsonColumn<string[]>(r.file_hashes, []),
    document_fingerprint: r.document_fingerprint ?? null,
    policy_version: r.policy_version ?? null,
    model_version: r.model_version ?? null,
    provider: r.provider ?? null,
    workflow_instance_id: r.workflow_instance_id ?? null,
    forced_reason: r.forced_reason ?? null,
    requested_by: r.requested_by ?? null,
    evaluated_at: r.evaluated_at,
    override: override ? overrideJson(override) : null,
  };
}

export function overrideJson(r: Row) {
  return {
    id: r.id,
    evaluation_id: r.evaluation_id,
    lead_id: r.lead_id,
    from_recommendation: r.from_recommendation,
    to_recommendation: r.to_recommendation,
    recommendation: r.to_recommendation,
    reason: r.reason,
    user_id: r.user_id,
    created_at: r.created_at,
  };
}
