/**
 * Font consistency of the money amounts in a PDF (same rule as screening/documents/fonts.py): an
 * amount retyped in an editor often lands in a font family that no other amount uses.
 */

const MONEY_RE = /\$\s?\d|\b\d{1,3}(?:,\d{3})*\.\d{2}\b/;
const LABEL_RE = /net|gross|total|balance|salary|pay|deposit|income|amount|ytd/i;
const MIN_AMOUNTS = 5;

/** `/ABCDEF+Arial-BoldMT` → `arial`; `/Helvetica-Oblique` → `helvetica`. */
export function fontFamily(baseFont: string): string {
  let name = baseFont.replace(/^\//, "").replace(/^[A-Z]{6}\+/, "");
  name = name.split(/[-,]/)[0].replace(/(?:PSMT|MT|PS)$/, "");
  return name.toLowerCase() || "?";
}

/** Font resource names (`F1`) → font family: every `/Name N 0 R` whose object N has a
 * `/BaseFont` (font dictionaries may be inline or objects of their own), and inline fonts. */
export function fontFamilies(src: string): Map<string, string> {
  const baseOf = new Map<string, string>();
  for (const m of src.matchAll(/(\d+)\s+\d+\s+obj\s*<<((?:(?!endobj)[\s\S]){0,2000}?)\/BaseFont\s*\/([^\s/<>[\]()]+)/g)) {
    baseOf.set(m[1], m[3]);
  }
  const out = new Map<string, string>();
  if (!baseOf.size) return out;
  for (const r of src.matchAll(/\/([A-Za-z0-9_.+-]+)\s+(\d+)\s+\d+\s+R/g)) {
    const base = baseOf.get(r[2]);
    if (base) out.set(r[1], fontFamily(base));
  }
  for (const r of src.matchAll(/\/([A-Za-z0-9_.+-]+)\s*<<[^<>]*\/BaseFont\s*\/([^\s/<>[\]()]+)/g)) out.set(r[1], fontFamily(r[2]));
  return out;
}

/** [evidence, strength] when exactly one amount uses a font family no other amount uses;
 * strength is `labelled` when that amount sits on a financial label. */
export function fontOutlier(chunks: [string, string][], families: Map<string, string>): [string, string] | null {
  const amounts = chunks
    .filter(([text]) => MONEY_RE.test(text))
    .map(([text, res]) => [text, families.get(res)] as const)
    .filter((a): a is readonly [string, string] => Boolean(a[1]));
  if (amounts.length < MIN_AMOUNTS) return null;
  const counts = new Map<string, number>();
  for (const [, f] of amounts) counts.set(f, (counts.get(f) ?? 0) + 1);
  if (counts.size < 2) return null;
  const lone = amounts.filter(([, f]) => counts.get(f) === 1);
  const major = Math.max(...counts.values());
  if (lone.length !== 1 || major < MIN_AMOUNTS - 1) return null;
  const [text, family] = lone[0];
  const others = [...counts.entries()].filter(([f]) => f !== family).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} (${n})`).join(", ");
  return [`"${text}" is set in ${family}; the other ${amounts.length - 1} amounts use ${others}.`, LABEL_RE.test(text) ? "labelled" : "unlabelled"];
}
