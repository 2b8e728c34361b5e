// Reference port of the policy interpreter, written from README.md alone (numbers and codes only:
// score, label, recommendation, factor points, risk_flags, fraud_signals; no texts).
// It proves the README is enough to agree with the Python interpreter bit for bit, and is a
// starting point for the worker's TypeScript. Run: node resources/policy/reference-port.mjs [repo]
// (checks every tests/vectors/*.json; exit code 1 on a mismatch).
import fs from 'node:fs';
import path from 'node:path';
const EPS = 1e-9;
const round1 = x => Math.floor(x * 10 + 0.5 + EPS) / 10;
const round0 = x => Math.floor(x + 0.5 + EPS);
const pos = x => (typeof x === 'number' && x > 0 ? x : 0);
const SEV = ['low', 'medium', 'high'];
const sev = s => (SEV.includes(s.severity) ? s.severity : 'low');
const clamp = (x, a, b) => Math.min(Math.max(x, a), b);

function measure(m, f) {
  switch (m.name) {
    case 'rent_to_income': {
      const rent = pos(f.monthly_rent); if (!rent) return null;
      let v = pos(f.verified_monthly_income);
      if (m.include_public_assistance) v += pos(f.public_assistance_monthly);
      if (v > 0) return { v: rent / v, basis: 'verified' };
      if (m.fallback_to_stated && pos(f.stated_monthly_income) > 0) return { v: rent / pos(f.stated_monthly_income), basis: 'stated' };
      return null;
    }
    case 'employment_months':
      if (f.employment_months != null) return { v: Math.max(f.employment_months, 0), basis: f.employer_verified ? 'verified' : 'stated' };
      return f.employment_status === 'unemployed' ? { v: 0, basis: 'verified' } : null;
    case 'income_stability_months': {
      const employed = f.employment_months != null && f.employment_status !== 'unemployed';
      const c = [];
      if (employed && f.employer_verified) c.push(Math.max(f.employment_months, 0));
      if (pos(f.public_assistance_monthly) > 0 && m.public_assistance_months != null) c.push(m.public_assistance_months);
      if (pos(f.verified_monthly_income) > 0 && m.verified_income_months != null) c.push(m.verified_income_months);
      if (c.length) return { v: Math.max(...c), basis: 'verified' };
      if (employed) return { v: Math.max(f.employment_months, 0), basis: 'stated' };
      return null;
    }
    case 'balance_to_rent':
      if (f.average_bank_balance == null || !pos(f.monthly_rent)) return null;
      return { v: f.average_bank_balance / f.monthly_rent, basis: 'verified' };
    case 'application_completeness': return { v: clamp(f.application_fields_complete ?? 0, 0, 1), basis: 'verified' };
    case 'negative_balance_days': return f.negative_balance_days == null ? null : { v: f.negative_balance_days, basis: 'verified' };
  }
  throw new Error('measure ' + m.name);
}
const matches = (b, v) => (b.max != null ? v <= b.max : b.min != null ? v >= b.min : true);

function factors(prof, f, signals, bestBand = [], ignore = []) {
  return prof.factors.map(r => {
    let p;
    if (r.type === 'bands') {
      const mv = measure(r.measure, f);
      if (mv == null) p = r.missing_points ?? 0;
      else {
        const band = bestBand.includes(r.code) ? r.bands[0] : r.bands.find(b => matches(b, mv.v));
        p = band.points;
        if (mv.basis === 'stated') p *= (r.unverified_multiplier ?? 1);
      }
      for (const a of r.adjustments ?? []) { const av = measure(a.measure, f); if (av != null && av.v >= a.min) p += a.points; }
    } else if (r.type === 'documents') {
      const have = new Set(f.documents_present ?? []);
      p = r.items.filter(i => i.any_of.some(k => have.has(k))).reduce((s, i) => s + i.points, 0);
      p -= Math.max(f.documents_unreadable ?? 0, 0) * (r.unreadable_penalty ?? 0);
    } else {
      let pen = 0;
      for (const s of SEV) {
        if (ignore.includes(s)) continue;
        let x = signals.filter(g => sev(g) === s).length * (r.penalties[s] ?? 0);
        if (r.caps && s in r.caps) x = Math.min(x, r.caps[s]);
        pen += x;
      }
      p = r.max_points - pen;
    }
    return { code: r.code, points: round1(clamp(p, 0, r.max_points)), max: r.max_points };
  });
}
const total = fs => { let t = 0; for (const x of fs) t += x.points; return clamp(round0(t), 0, 100); };
const labelOf = (pol, s) => pol.labels.find(b => s >= b.min_score).label;

export function score(facts, signalsIn, pol, profile = 'default') {
  const prof = pol.profiles[profile];
  const signals = signalsIn.filter(s => !(pol.readability_codes ?? []).includes(s.code));
  const fs = factors(prof, facts, signals);
  const s = total(fs); const label = labelOf(pol, s);
  const holds = w => {
    if (w.label_in) {
      let l = label;
      if (w.assume) l = labelOf(pol, total(factors(prof, facts, signals, w.assume.best_band ?? [], w.assume.ignore_severities ?? [])));
      if (!w.label_in.includes(l)) return false;
    }
    if (w.signals_at_least) {
      const r = SEV.indexOf(w.signals_at_least.severity);
      if (signals.filter(g => SEV.indexOf(sev(g)) >= r).length < w.signals_at_least.count) return false;
    }
    if (w.factor_below) { const x = fs.find(q => q.code === w.factor_below.code); if (!(x.points < w.factor_below.fraction * x.max - EPS)) return false; }
    if (w.measure) {
      const mv = measure(w.measure, facts); if (mv == null) return false;
      if (w.measure.above != null && !(mv.v > w.measure.above)) return false;
      if (w.measure.at_least != null && !(mv.v >= w.measure.at_least)) return false;
      if (w.measure.below != null && !(mv.v < w.measure.below)) return false;
    }
    return true;
  };
  const rule = prof.recommendation_rules.find(r => holds(r.when));
  return {
    score: s, label, recommendation: rule.recommendation,
    factors: Object.fromEntries(fs.map(x => [x.code, x.points])),
    risk_flags: fs.filter(x => x.points < pol.adverse_fraction * x.max - EPS).map(x => x.code),
    fraud_signals: [...new Set(signals.filter(g => ['medium', 'high'].includes(sev(g))).map(g => g.code))],
  };
}

function main() {
const root = process.argv[2] ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const pol = JSON.parse(fs.readFileSync(path.join(root, 'resources/policy/policy.json')));
let bad = 0, n = 0;
for (const file of fs.readdirSync(path.join(root, 'tests/vectors')).filter(x => x.endsWith('.json')).sort()) {
  const v = JSON.parse(fs.readFileSync(path.join(root, 'tests/vectors', file)));
  const facts = { documents_present: [], documents_unreadable: 0, employer_verified: false, application_fields_complete: 0, ...v.facts };
  const got = score(facts, v.signals, pol, v.profile);
  n++;
  if (JSON.stringify(got) !== JSON.stringify(v.expected)) { bad++; console.log('MISMATCH', file, JSON.stringify(got), JSON.stringify(v.expected)); }
}
console.log(`${n} vectors, ${bad} mismatches`);
process.exitCode = bad ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
