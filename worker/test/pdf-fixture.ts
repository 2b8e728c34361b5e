/** Builds real (small) PDF files for tests: text in a FlateDecode content stream, an Info
 * dictionary, a valid xref table, and optional incremental updates appended after %%EOF. */

export interface PdfOptions {
  lines: string[];
  producer?: string;
  creator?: string;
  creationDate?: string;
  modDate?: string;
  compress?: boolean;
  /** Incremental updates to append (each rewrites the Info dictionary). */
  updates?: { producer?: string; modDate?: string; lines?: string[] }[];
  encrypt?: boolean;
}

const enc = new TextEncoder();

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream("deflate");
  const w = cs.writable.getWriter();
  void w.write(data).then(() => w.close());
  return new Uint8Array(await new Response(cs.readable).arrayBuffer());
}

const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\(/g, "\\(").replace(/\)/g, "\\)");

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export async function makePdf(o: PdfOptions): Promise<Uint8Array> {
  const content = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL"];
  o.lines.forEach((line, i) => content.push(i === 0 ? `(${esc(line)}) Tj` : `T* (${esc(line)}) Tj`));
  content.push("ET");
  const raw = enc.encode(content.join("\n"));
  const stream = o.compress === false ? raw : await deflate(raw);
  const info = (producer?: string, modDate?: string) =>
    `<< /Producer (${esc(producer ?? o.producer ?? "LeaseLab Test Generator")}) /Creator (${esc(o.creator ?? "payroll-system")})` +
    ` /CreationDate (${o.creationDate ?? "D:20261001120000Z"}) /ModDate (${modDate ?? o.modDate ?? o.creationDate ?? "D:20261001120000Z"}) >>`;
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let pos = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    pos += b.length;
  };
  push(latin1Bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"));
  const obj = (n: number, body: Uint8Array[]) => {
    offsets[n] = pos;
    push(enc.encode(`${n} 0 obj\n`));
    for (const b of body) push(b);
    push(enc.encode("\nendobj\n"));
  };
  obj(1, [enc.encode("<< /Type /Catalog /Pages 2 0 R >>")]);
  obj(2, [enc.encode("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")]);
  obj(3, [enc.encode("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")]);
  obj(4, [enc.encode(`<< /Length ${stream.length}${o.compress === false ? "" : " /Filter /FlateDecode"} >>\nstream\n`), stream, enc.encode("\nendstream")]);
  obj(5, [enc.encode("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")]);
  obj(6, [enc.encode(info())]);
  const xref = pos;
  let table = "xref\n0 7\n0000000000 65535 f \n";
  for (let n = 1; n <= 6; n++) table += `${String(offsets[n]).padStart(10, "0")} 00000 n \n`;
  const encrypt = o.encrypt ? " /Encrypt << /Filter /Standard /V 1 /R 2 >>" : "";
  push(enc.encode(`${table}trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`));
  let prev = xref;
  for (const u of o.updates ?? []) {
    let xrefRows = "";
    if (u.lines) {
      const body = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL", ...u.lines.map((l, i) => (i === 0 ? `(${esc(l)}) Tj` : `T* (${esc(l)}) Tj`)), "ET"].join("\n");
      const data = await deflate(enc.encode(body));
      const at4 = pos;
      push(enc.encode(`4 0 obj\n<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`));
      push(data);
      push(enc.encode("\nendstream\nendobj\n"));
      xrefRows += `4 1\n${String(at4).padStart(10, "0")} 00000 n \n`;
    }
    const at = pos;
    push(enc.encode(`6 0 obj\n${info(u.producer, u.modDate)}\nendobj\n`));
    xrefRows += `6 1\n${String(at).padStart(10, "0")} 00000 n \n`;
    const x = pos;
    push(enc.encode(`xref\n${xrefRows}trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R /Prev ${prev} >>\nstartxref\n${x}\n%%EOF\n`));
    prev = x;
  }
  return concat(parts);
}

export function paystubLines(o: { gross: number; deductions: number; net: number; employer?: string; frequency?: string }): string[] {
  const f = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return [
    "EARNINGS STATEMENT",
    `Employer: ${o.employer ?? "Maple Logistics Inc."}`,
    `Pay Frequency: ${o.frequency ?? "Bi-weekly"}`,
    "Pay Date: 2026-10-15",
    `Gross Pay: ${f(o.gross)}`,
    `Total Deductions: ${f(o.deductions)}`,
    `Net Pay: ${f(o.net)}`,
  ];
}
