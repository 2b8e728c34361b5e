/**
 * Compliance notes said from what the profile actually did with this applicant, never a fixed
 * claim. Port of leaselab_desktop/screening/notes.py: keep the two in step.
 */
import { fmtMoney, fmtPct, measure, positive, type ApplicantFacts } from "./measures";
import type { BandsFactor, Policy, Profile, Rule } from "./scoring";

export function complianceNotes(policy: Policy, prof: Profile, facts: ApplicantFacts, decided: Rule): string[] {
  const notes = [`Scored with the ${prof.title} profile of policy ${policy.version}.`, ...(prof.compliance_notes ?? [])];
  for (const said of [assistanceNote(prof, facts), cutoffNote(prof, facts, decided), stabilityNote(prof)]) {
    if (said) notes.push(said);
  }
  return notes;
}

const bands = (prof: Profile, name: string) =>
  prof.factors.find((f): f is BandsFactor => f.type === "bands" && f.measure.name === name);

function assistanceNote(prof: Profile, facts: ApplicantFacts): string | null {
  const income = bands(prof, "rent_to_income");
  const amount = positive(facts.public_assistance_monthly);
  if (!income || !amount) return null;
  if (income.measure.include_public_assistance) return `Public assistance of ${fmtMoney(amount)}/month was counted as income.`;
  return `Public assistance of ${fmtMoney(amount)}/month was found in the documents but was not counted ` +
    "as income under this profile: rent-to-income used the other income only.";
}

function cutoffNote(prof: Profile, facts: ApplicantFacts, decided: Rule): string {
  const cut = prof.recommendation_rules.find((r) =>
    r.recommendation === "reject" && r.when.measure?.name === "rent_to_income" && r.when.measure.above != null);
  const above = cut?.when.measure?.above;
  if (!cut || !cut.when.measure || above == null) {
    return "No rent-to-income cut-off was applied: the income ratio alone could not lead to a reject.";
  }
  const limit = fmtPct(above);
  const ratio = measure(cut.when.measure, facts).value;
  if (cut === decided) {
    return `The rent-to-income cut-off was applied: rent is ${ratio !== null ? fmtPct(ratio) : "unknown"} of income, above the ${limit} limit.`;
  }
  if (ratio === null) return `This profile rejects above ${limit} rent-to-income; the ratio could not be worked out, so it was not applied.`;
  if (ratio > above) return `Rent is ${fmtPct(ratio)} of income, above this profile's ${limit} cut-off; an earlier rule had already decided the recommendation.`;
  return `This profile rejects above ${limit} rent-to-income; this applicant's ${fmtPct(ratio)} is within it.`;
}

function stabilityNote(prof: Profile): string | null {
  if (bands(prof, "income_stability_months")) return "Employment was not required: stability was scored on the income source, whatever it is.";
  if (bands(prof, "employment_months")) return "Stability was scored on employment tenure; income without employment earns no stability points.";
  return null;
}

/** The profile that scores a property in `region` (province/state): the one listing it in `regions`,
 * else one named after it, else `default` (Policy.profile_for_region in Python). */
export function profileForRegion(policy: Policy, region: string | null | undefined): string {
  const key = (region ?? "").trim().toLowerCase();
  if (!key) return "default";
  for (const [name, prof] of Object.entries(policy.profiles)) {
    if (key === name.toLowerCase() || (prof.regions ?? []).some((r) => r.toLowerCase() === key)) return name;
  }
  return "default";
}
