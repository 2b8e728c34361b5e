/** PDF strings and document metadata: literal/hex strings, the Info dictionary, XMP, dates. */

/** Decode a PDF literal string body (without the outer parentheses). */
export function decodeLiteral(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break;
    if (n === "n") out += "\n";
    else if (n === "r") out += "\r";
    else if (n === "t") out += "\t";
    else if (n === "b") out += "\b";
    else if (n === "f") out += "\f";
    else if (n >= "0" && n <= "7") {
      let oct = n;
      while (oct.length < 3 && s[i + 1] >= "0" && s[i + 1] <= "7") oct += s[++i];
      out += String.fromCharCode(parseInt(oct, 8) & 0xff);
    } else if (n === "\r" || n === "\n") {
      if (n === "\r" && s[i + 1] === "\n") i++;
    } else out += n;
  }
  return out;
}

/** Text of a PDF string value: UTF-16BE with BOM, else PDFDocEncoding approximated by latin1. */
export function pdfStringValue(raw: string): string {
  if (raw.startsWith("\xfe\xff")) {
    let out = "";
    for (let i = 2; i + 1 < raw.length; i += 2) out += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
    return out;
  }
  return raw;
}

export function readLiteralAt(src: string, start: number): { value: string; end: number } | null {
  // src[start] === "(" ; balanced parentheses with escapes.
  let depth = 0;
  for (let i = start; i < src.length && i < start + 65536; i++) {
    const ch = src[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") {
      depth--;
      if (depth === 0) return { value: decodeLiteral(src.slice(start + 1, i)), end: i + 1 };
    }
  }
  return null;
}

export function hexString(h: string): string {
  const clean = h.replace(/[^0-9a-fA-F]/g, "");
  let out = "";
  for (let i = 0; i < clean.length; i += 2) out += String.fromCharCode(parseInt(clean.slice(i, i + 2).padEnd(2, "0"), 16));
  return out;
}

const INFO_KEYS: Record<string, string> = {
  Producer: "producer", Creator: "creator", CreationDate: "creation_date", ModDate: "mod_date",
  Author: "author", Title: "title",
};

/** Info-dictionary style `/Key (value)` or `/Key <hex>` pairs found anywhere in `src`. */
export function infoPairs(src: string, into: Record<string, string>): void {
  for (const [key, name] of Object.entries(INFO_KEYS)) {
    const re = new RegExp(`/${key}\\s*(\\(|<(?!<))`, "g");
    let m: RegExpExecArray | null;
    while ((m = re.exec(src)) !== null) {
      let value: string | null = null;
      if (m[1] === "(") {
        const lit = readLiteralAt(src, m.index + m[0].length - 1);
        if (lit) value = pdfStringValue(lit.value);
      } else {
        const end = src.indexOf(">", m.index + m[0].length);
        if (end > 0) value = pdfStringValue(hexString(src.slice(m.index + m[0].length, end)));
      }
      // Later revisions come later in the file: the last value wins.
      if (value !== null && value.trim()) into[name] = value.trim().slice(0, 200);
    }
  }
}

export function xmpPairs(src: string, into: Record<string, string>): void {
  const tags: Record<string, string> = {
    "xmp:CreatorTool": "xmp_creator_tool", "pdf:Producer": "xmp_producer",
    "xmp:CreateDate": "xmp_create_date", "xmp:ModifyDate": "xmp_modify_date",
  };
  for (const [tag, name] of Object.entries(tags)) {
    const m = new RegExp(`<${tag}>([^<]{1,200})</${tag}>`).exec(src) ?? new RegExp(`${tag}="([^"]{1,200})"`).exec(src);
    if (m) into[name] = m[1].trim();
  }
}

/** Parse a PDF date `D:YYYYMMDDHHmmSSOHH'mm` (or ISO from XMP) into an ISO string, or null. */
export function parsePdfDate(value: string | undefined): string | null {
  if (!value) return null;
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?/.exec(value.trim());
  if (m) {
    const [y, mo = "01", d = "01", h = "00", mi = "00", s = "00"] = m.slice(1, 7);
    let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
    if (m[7] === "+" || m[7] === "-") {
      const off = (+(m[8] ?? 0) * 60 + +(m[9] ?? 0)) * 60000;
      t += m[7] === "+" ? -off : off;
    }
    return Number.isFinite(t) ? new Date(t).toISOString() : null;
  }
  const iso = Date.parse(value);
  return Number.isFinite(iso) ? new Date(iso).toISOString() : null;
}

