/**
 * Measures and number formatting of the policy rule language (resources/policy/README.md §1, §7),
 * ported from leaselab_desktop/screening/measures.py. Bit-identical rounding matters: the golden
 * vectors compare points to the decimal.
 */

export const EPS = 1e-9;
export const MEASURES = [
  "rent_to_income", "employment_months", "income_stability_months", "balance_to_rent",
  "application_completeness", "negative_balance_days",
];

export interface ApplicantFacts {
  stated_monthly_income?: number | null;
  verified_monthly_income?: number | null;
  public_assistance_monthly?: number | null;
  monthly_rent?: number | null;
  employment_status?: string | null;
  employment_months?: number | null;
  employer_verified?: boolean;
  documents_present?: string[];
  documents_unreadable?: number;
  average_bank_balance?: number | null;
  negative_balance_days?: number | null;
  application_fields_complete?: number;
  /** Why documents did not verify ("Could not read the gross pay on stub.pdf."); shown, never scored. */
  verification_notes?: string[];
}

export interface Measure {
  name: string;
  include_public_assistance?: boolean;
  fallback_to_stated?: boolean;
  public_assistance_months?: number | null;
  verified_income_months?: number | null;
}

// -- rounding and formatting (policy README "Rounding and formatting") -------------------------

export function roundHalfUp(x: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.floor(x * scale + 0.5 + EPS) / scale;
}

function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function fmtNum(x: number): string {
  const r = roundHalfUp(x, 1);
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}
export const fmtPct = (ratio: number) => `${fmtNum(ratio * 100)} %`;
export function fmtMoney(x: number): string {
  const r = Math.trunc(roundHalfUp(Math.abs(x)));
  return `${x < 0 && r ? "-" : ""}$${groupThousands(r)}`;
}
export const fmtTimes = (x: number) => `${fmtNum(x)}×`;
export const ceilMoney = (x: number) => `$${groupThousands(Math.ceil(x - EPS))}`;

export function fill(template: string | undefined, ctx: Record<string, string>): string {
  let out = template ?? "";
  for (const [k, v] of Object.entries(ctx)) out = out.split(`{${k}}`).join(v);
  return out;
}

export const positive = (x: number | null | undefined) => (typeof x === "number" && x > 0 ? x : 0);

// -- measures ----------------------------------------------------------------------------------

export interface MeasureValue { value: number | null; basis: string; ctx: Record<string, string> }

export function measure(m: Measure, facts: ApplicantFacts): MeasureValue {
  const none = (): MeasureValue => ({ value: null, basis: "verified", ctx: {} });
  switch (m.name) {
    case "rent_to_income": {
      const rent = positive(facts.monthly_rent);
      let verified = positive(facts.verified_monthly_income);
      if (m.include_public_assistance) verified += positive(facts.public_assistance_monthly);
      const stated = positive(facts.stated_monthly_income);
      if (!rent) return none();
      let income: number;
      let basis: string;
      if (verified) [income, basis] = [verified, "verified"];
      else if (m.fallback_to_stated && stated) [income, basis] = [stated, "stated"];
      else return none();
      return { value: rent / income, basis, ctx: { income: fmtMoney(income), income_basis: basis, rent: fmtMoney(rent) } };
    }
    case "employment_months":
      if (facts.employment_months !== null && facts.employment_months !== undefined) {
        return { value: Math.max(facts.employment_months, 0), basis: facts.employer_verified ? "verified" : "stated", ctx: {} };
      }
      return { value: facts.employment_status === "unemployed" ? 0 : null, basis: "verified", ctx: {} };
    case "income_stability_months": {
      // Verified sources first; unverified tenure only when no source is verified.
      const ctx = { assistance_months: fmtNum(m.public_assistance_months ?? 0) };
      const employed = facts.employment_months !== null && facts.employment_months !== undefined && facts.employment_status !== "unemployed";
      const tenure = Math.max(facts.employment_months ?? 0, 0);
      const sources: number[] = employed && facts.employer_verified ? [tenure] : [];
      if (positive(facts.public_assistance_monthly) && m.public_assistance_months != null) sources.push(m.public_assistance_months);
      if (positive(facts.verified_monthly_income) && m.verified_income_months != null) sources.push(m.verified_income_months);
      if (sources.length) return { value: Math.max(...sources), basis: "verified", ctx };
      if (employed) return { value: tenure, basis: "stated", ctx };
      return { value: null, basis: "verified", ctx };
    }
    case "balance_to_rent": {
      const rent = positive(facts.monthly_rent);
      const bal = facts.average_bank_balance;
      if (bal === null || bal === undefined || !rent) return none();
      return { value: bal / rent, basis: "verified", ctx: { balance: fmtMoney(bal), rent: fmtMoney(rent) } };
    }
    case "application_completeness":
      return { value: Math.min(Math.max(facts.application_fields_complete ?? 0, 0), 1), basis: "verified", ctx: {} };
    case "negative_balance_days": {
      const d = facts.negative_balance_days;
      return { value: d === null || d === undefined ? null : d, basis: "verified", ctx: {} };
    }
    default:
      throw new Error(`unknown measure ${m.name}`);
  }
}

export const SOURCES: Record<string, string> = {
  employment_months: "employment letter or application (employment start date)",
  income_stability_months: "income documents (pay stubs, employment letter, assistance deposits)",
  balance_to_rent: "bank statements and unit rent",
  application_completeness: "application form",
};

