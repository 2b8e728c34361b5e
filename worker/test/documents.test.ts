import { describe, expect, it } from "vitest";
import { parseModelOutput, ModelOutputError } from "../src/ai/parse";
import { classify, detectFormat, inspectDocument } from "../src/documents/inspect";
import { fontFamilies, fontOutlier } from "../src/documents/fonts";
import { contentText, decodeLiteral, parsePdfDate, readPdf } from "../src/documents/pdf";
import { extractFigures, parseDate } from "../src/documents/figures";
import { bankBalanceMismatch, ytdDiscontinuity } from "../src/documents/arithmetic";
import { implausibleIncome, incomeMismatch, nameMismatch } from "../src/documents/identity";
import { dateMismatch, documentFingerprint, editingSoftware, incrementalRevision } from "../src/documents/signals";
import { sha256Hex } from "../src/util";
import { makePdf, paystubLines } from "./pdf-fixture";

const file = (name = "doc.pdf", type = "paystub") => ({ id: "f1", file_name: name, file_type: type, r2_key: "k", sha256: "", mime_type: null });

describe("PDF reader", () => {
  it("reads text from a FlateDecode content stream, metadata and page count", async () => {
    const pdf = await makePdf({ lines: paystubLines({ gross: 2600, deductions: 600, net: 2000 }), producer: "Payroll Pro 7", creationDate: "D:20261001090000-04'00'" });
    const info = await readPdf(pdf);
    expect(info.error).toBeNull();
    expect(info.pages).toBe(1);
    expect(info.revisions).toBe(1);
    expect(info.metadata.producer).toBe("Payroll Pro 7");
    expect(info.text).toContain("Pay Frequency: Bi-weekly");
    expect(info.text.split("\n")).toContain("Gross Pay: $2,600.00");
    expect(parsePdfDate(info.metadata.creation_date)).toBe("2026-10-01T13:00:00.000Z");
  });

  it("reads an uncompressed stream and counts incremental updates with the last Info winning", async () => {
    const pdf = await makePdf({ lines: ["Hello (world)"], compress: false, updates: [{ producer: "Second" }, { producer: "Third" }] });
    const info = await readPdf(pdf);
    expect(info.text).toBe("Hello (world)");
    expect(info.revisions).toBe(3);
    expect(info.prevChain).toBe(2);
    expect(info.metadata.producer).toBe("Third");
  });

  it("reads the newest revision's text and tells whether an earlier revision's text differs", async () => {
    const lines = paystubLines({ gross: 2600, deductions: 600, net: 2000 });
    const edited = await makePdf({ lines, updates: [{ lines: lines.map((l) => l.replace("2,600.00", "4,600.00")) }] });
    const info = await readPdf(edited);
    expect(info.revisions).toBe(2);
    expect(info.text).toContain("Gross Pay: $4,600.00");
    expect(info.text).not.toContain("2,600.00");
    expect(info.metadata.earlier_revision).toBe("differs");
    expect(info.metadata.revision_changes).toContain("4,600.00");
    const signed = await readPdf(await makePdf({ lines, updates: [{ producer: "Signer" }] }));
    expect(signed.metadata.earlier_revision).toBe("same text");
  });

  it("reports encrypted and garbage input without throwing", async () => {
    expect((await readPdf(await makePdf({ lines: ["x"], encrypt: true }))).error).toBe("encrypted");
    expect((await readPdf(new TextEncoder().encode("not a pdf at all"))).error).toBe("corrupt");
    const random = crypto.getRandomValues(new Uint8Array(4096));
    random.set(new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Filter /FlateDecode /Length 4000 >>\nstream\n"), 0);
    const r = await readPdf(random);
    expect(r.text).toBe("");
    const pdf = await makePdf({ lines: paystubLines({ gross: 1, deductions: 0, net: 1 }) });
    const truncated = await readPdf(pdf.subarray(0, Math.floor(pdf.length * 0.6)));
    expect(truncated).toBeTruthy();
  });

  it("finds the one amount set in a different font (as when a figure is retyped)", () => {
    const src = "1 0 obj\n<< /F1 2 0 R /F2 3 0 R >>\nendobj\n2 0 obj\n<< /Type /Font /BaseFont /Helvetica >>\nendobj\n3 0 obj\n<< /Type /Font /BaseFont /ABCDEF+Times-Bold >>\nendobj\n";
    const families = fontFamilies(src);
    expect(families.get("F1")).toBe("helvetica");
    expect(families.get("F2")).toBe("times");
    const chunks: [string, string][] = [];
    contentText("BT /F1 10 Tf (Gross: $1,000.00) Tj T* (Tax: $100.00) Tj T* (CPP: $50.00) Tj T* (EI: $10.00) Tj T* (YTD: $9,000.00) Tj /F2 10 Tf T* (Net Pay: $2,840.00) Tj ET",
      (chunk, font) => chunks.push([chunk, font]));
    expect(chunks.at(-1)).toEqual(["Net Pay: $2,840.00", "F2"]);
    const out = fontOutlier(chunks, families);
    expect(out?.[1]).toBe("labelled");
    expect(out?.[0]).toContain('"Net Pay: $2,840.00" is set in times');
    expect(fontOutlier(chunks.slice(0, 5), families)).toBeNull(); // one font only
  });

  it("decodes string escapes and TJ arrays", () => {
    expect(decodeLiteral("a\\(b\\)\\\\c\\101\\n")).toBe("a(b)\\cA\n");
    expect(contentText("BT [(Net) -300 (Pay:) 120 ( $1)] TJ 0 -14 Td (next) Tj ET")).toBe("Net Pay: $1\nnext");
  });
});

describe("document facts", () => {
  it("detects formats by magic bytes", () => {
    expect(detectFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpeg");
    expect(detectFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10]))).toBe("png");
    expect(detectFormat(new TextEncoder().encode("plain text here"))).toBe("text");
    expect(detectFormat(new Uint8Array([0, 1, 2, 3, 0, 0, 0]))).toBe("unknown");
  });

  it("classifies by content and reads pay stub, bank and letter figures", async () => {
    expect(classify("Closing Balance: $1.00", "other")).toBe("bank_statement");
    const stub = await inspectDocument(file(), await makePdf({ lines: paystubLines({ gross: 2600, deductions: 600, net: 2000 }) }));
    expect(stub.pay_stub).toMatchObject({ gross: 2600, deductions: 600, net: 2000, pay_frequency: "biweekly", pay_date: "2026-10-15" });
    expect(stub.employer).toBe("Maple Logistics Inc.");
    expect(stub.sha256).toHaveLength(64);
    expect(stub.md5).toHaveLength(32);
    const bank = extractFigures(
      "Opening Balance: $1,200.00\n2026-10-01 Payroll deposit ACME $2,400.00 $3,600.00\n2026-10-03 Rent $1,500.00 -$100.00\nClosing Balance: $2,100.00",
      "bank_statement",
    );
    expect(bank.bank_statement).toMatchObject({ opening_balance: 1200, closing_balance: 2100, negative_balance_lines: 1 });
    expect(bank.monthly_income_estimate).toBe(2400);
    const letter = extractFigures("To whom it may concern, Ada is employed by Maple Logistics Inc. since March 3, 2022 with an annual salary of $78,000.", "employment_letter");
    expect(letter).toMatchObject({ stated_annual_salary: 78000, employment_start: "2022-03-03", employer: "Maple Logistics Inc." });
    expect(parseDate("15 Oct 2026")).toBe("2026-10-15");
  });

  it("marks a mislabelled file but still reads it", async () => {
    const d = await inspectDocument(file("stub.jpg", "paystub"), await makePdf({ lines: paystubLines({ gross: 1000, deductions: 100, net: 900 }) }));
    expect(d.error).toBe("mislabelled");
    expect(d.error_message).toBe("Named as jpeg, content is pdf (by its first bytes).");
    expect(d.pay_stub?.gross).toBe(1000);
  });

  it("marks a file that is not a supported type", async () => {
    const d = await inspectDocument(file("x.bin", "other"), new Uint8Array([0, 1, 2, 0, 0, 9, 8]));
    expect(d.error).toBe("unsupported");
  });
});

describe("signals", () => {
  const base = { file_id: "f", file_name: "a.pdf", declared_type: "paystub", detected_format: "pdf", kind: "paystub", sha256: "s", md5: "m", size: 1, pages: 1, text: "", revisions: 1, error: null, error_message: null, r2_key: "k" };
  it("grades editing software like the Python detector", () => {
    expect(editingSoftware({ ...base, metadata: { producer: "Acrobat Distiller 23" } })).toEqual([]);
    expect(editingSoftware({ ...base, metadata: { producer: "Adobe Acrobat Pro 2024" } })[0].severity).toBe("medium");
    expect(editingSoftware({ ...base, metadata: { creator: "GIMP 2.10", producer: "Adobe Acrobat Pro" } })[0].severity).toBe("high");
  });
  it("compares creation and modification dates", () => {
    expect(dateMismatch({ ...base, metadata: { creation_date: "D:20260101", mod_date: "D:20260102120000Z" } })[0].severity).toBe("medium");
    expect(dateMismatch({ ...base, metadata: { creation_date: "D:20260105", mod_date: "D:20260101" } })[0].severity).toBe("low");
    expect(dateMismatch({ ...base, metadata: { creation_date: "D:20260101", mod_date: "D:20260101090000Z" } })).toEqual([]);
  });
  it("grades revisions, names and stated income like the Python detectors", () => {
    expect(incrementalRevision({ ...base, revisions: 2, metadata: { earlier_revision: "differs", revision_changes: "Net Pay: $9" } })[0].severity).toBe("high");
    expect(incrementalRevision({ ...base, revisions: 2, metadata: { earlier_revision: "same text" } })[0].severity).toBe("low");
    const lead = { first_name: "José", last_name: "García", monthly_income: 6000 };
    expect(nameMismatch(lead, [{ ...base, metadata: {}, name_on_document: "GARCIA, Jose" }])).toEqual([]);
    expect(nameMismatch(lead, [{ ...base, metadata: {}, name_on_document: "J. Garcia" }])).toEqual([]);
    expect(nameMismatch(lead, [{ ...base, metadata: {}, name_on_document: "Maria Garcia" }])[0].severity).toBe("medium");
    expect(nameMismatch(lead, [{ ...base, metadata: {}, name_on_document: "Tom Baker" }])[0].severity).toBe("high");
    const stub = (monthly: number) => ({ ...base, metadata: {}, monthly_income_estimate: monthly });
    expect(incomeMismatch(lead, [stub(5800)])).toEqual([]);
    expect(incomeMismatch(lead, [stub(5200)])[0].severity).toBe("medium");
    expect(incomeMismatch(lead, [stub(4000)])[0].severity).toBe("high");
    expect(incomeMismatch(lead, [stub(9000)])[0].severity).toBe("low");
  });

  it("checks year-to-date continuity and bank balances", () => {
    const stub = (name: string, date: string, gross: number, ytd: number) => ({
      ...base, file_name: name, metadata: {}, employer: "ACME",
      pay_stub: { gross, deductions: null, net: null, ytd_gross: ytd, pay_frequency: "biweekly", pay_date: date },
    });
    expect(ytdDiscontinuity([stub("a", "2026-10-09", 2000, 40000), stub("b", "2026-10-23", 2000, 42000)])).toEqual([]);
    expect(ytdDiscontinuity([stub("a", "2026-10-09", 2000, 40000), stub("b", "2026-10-23", 2000, 45000)])[0].severity).toBe("high");
    expect(ytdDiscontinuity([stub("a", "2026-08-01", 2000, 30000), stub("b", "2026-10-23", 2000, 45000)])).toEqual([]); // stubs missing between
    const text = "Opening Balance: $1,000.00\n2026-10-01 PAYROLL DEPOSIT $2,000.00 $3,000.00\n2026-10-03 RENT -1,500.00 1,500.00\nClosing Balance: $1,500.00";
    const ok = { ...base, metadata: {}, ...extractFigures(text, "bank_statement") };
    expect(bankBalanceMismatch(ok)).toEqual([]);
    const forged = { ...base, metadata: {}, ...extractFigures(text.replace("1,500.00\nClosing", "2,500.00\nClosing"), "bank_statement") };
    const sig = bankBalanceMismatch(forged);
    expect(sig[0].severity).toBe("high");
    expect(sig[0].evidence).toContain('Row "RENT"');
  });

  it("flags income that is implausible for the situation", () => {
    const stubDoc = { ...base, metadata: {}, kind: "paystub", text: "Position: Barista (Part-time)", monthly_income_estimate: 5600 };
    expect(implausibleIncome({ first_name: "A", last_name: "B", monthly_income: 5600, employment_status: "employed" }, [stubDoc])[0].severity).toBe("medium");
    expect(implausibleIncome({ first_name: "A", last_name: "B", monthly_income: 9000, employment_status: "student" }, [])[0].severity).toBe("high");
    expect(implausibleIncome({ first_name: "A", last_name: "B", monthly_income: 3000, employment_status: "student" }, [])).toEqual([]);
  });

  it("fingerprints like Python (sha256 over sorted hashes joined by newlines)", async () => {
    expect(await documentFingerprint(["b", "a"])).toBe(await sha256Hex("a\nb"));
    expect(await documentFingerprint([])).toBe("");
  });
});

describe("model output parsing", () => {
  it("finds JSON in fences or prose, forgives trailing commas, reads money strings", () => {
    const out = parseModelOutput('Sure!\n```json\n{"facts": {"verified_monthly_income": "$4,250.00", "employment_months": 14,}, "signals": [], "score": 99}\n```');
    expect(out.facts).toEqual({ verified_monthly_income: 4250, employment_months: 14 });
  });
  it("caps model signals at medium and renames unknown codes", () => {
    const out = parseModelOutput('{"signals": [{"code": "paystub_arithmetic", "severity": "critical"}, {"code": "Weird Thing", "severity": "high"}, {"severity": "high"}]}');
    expect(out.signals.map((s) => `${s.code}:${s.severity}`)).toEqual(["paystub_arithmetic:medium", "model_flag:weird_thing:low"]);
  });
  it("drops out-of-range values and clamps shares", () => {
    const out = parseModelOutput('{"facts": {"employment_months": 9000, "application_fields_complete": 1.7, "verified_monthly_income": "lots"}}');
    expect(out.facts).toEqual({ application_fields_complete: 1 });
    expect(out.notes.length).toBe(2);
  });
  it("refuses an answer with no usable JSON, with a readable reason", () => {
    expect(() => parseModelOutput("I cannot help with that.")).toThrow(ModelOutputError);
    expect(() => parseModelOutput("I cannot help with that.")).toThrow(/no JSON object/);
    expect(() => parseModelOutput('{"answer": 42}')).toThrow(/neither 'facts' nor 'signals'/);
    expect(() => parseModelOutput("")).toThrow(/empty/);
  });
});
