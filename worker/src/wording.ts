/**
 * What a leasing agent reads for each code (resources/spec/wording.json, bundled at build time like
 * the spec): factors, signals, steps, providers, recommendations. The desktop app reads the same file
 * (leaselab_desktop/domain/wording.py); test/wording.test.ts fails when a code the worker can
 * produce has no name there.
 */
import wordingJson from "../../resources/spec/wording.json";

export interface Wording {
  factors: Record<string, string>;
  signals: Record<string, string>;
  model_flag: string;
  steps: Record<string, string>;
  providers: Record<string, string>;
  provider_fallback: string;
  recommendations: Record<string, string>;
  severities: Record<string, string>;
  file_types: Record<string, string>;
  employment_statuses: Record<string, string>;
  run_statuses: Record<string, string>;
}

export const WORDING = wordingJson as Wording;

/** Last resort for a code the file lacks: "new_code" -> "New code". */
function words(code: string): string {
  const text = code.replace(/[_-]+/g, " ").trim();
  return text ? text[0].toUpperCase() + text.slice(1) : "—";
}

export const factorName = (code: string): string => WORDING.factors[code] ?? words(code);
export const recommendationName = (code: string): string => WORDING.recommendations[code] ?? words(code);
export const providerName = (kind: string): string => WORDING.providers[kind] ?? WORDING.provider_fallback;

export function signalName(code: string): string {
  const flag = /^model_flag:(.+)$/.exec(code);
  if (flag) return WORDING.model_flag.replace("{words}", words(flag[1]).toLowerCase());
  return WORDING.signals[code] ?? words(code);
}

/** The step's name for an agent; the model step names the provider that runs it. */
export function stepTitle(name: string, providerKind = "workers-ai"): string {
  const title = (WORDING.steps[name] ?? words(name)).replace("{provider}", providerName(providerKind));
  return title[0].toUpperCase() + title.slice(1);
}
