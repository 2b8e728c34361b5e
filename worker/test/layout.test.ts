/**
 * The worker's layout reading against the Python one: resources/documents/layout-cases.json holds
 * inputs and what the Python layout package makes of them (worker/scripts/layout_shared.py writes
 * it; tests/unit/documents/test_layout_shared.py checks it on the Python side), so a change to
 * either port that the other does not share fails one of the two tests. Plus the word reading
 * (pdf.js) on bad input and the overdrawn-word rule.
 */
import { describe, expect, it } from "vitest";
import cases from "../../resources/documents/layout-cases.json";
import vocabJson from "../../resources/documents/layout-vocab.json";
import statutoryJson from "../../resources/documents/statutory-withholding.json";
import { readBank } from "../src/documents/layout/bank";
import { buildLines } from "../src/documents/layout/lines";
import { splitLabel } from "../src/documents/layout/pairing";
import { readPaystub } from "../src/documents/layout/paystub";
import { compact, dateOrder, findAmounts, findDates } from "../src/documents/layout/text";
import { LABELS, STOPS } from "../src/documents/layout/vocab";
import { inspectDocument, type DocumentFacts } from "../src/documents/inspect";
import { detectSignals } from "../src/documents/signals";
import { withholdingMismatch } from "../src/documents/statutory";
import { changeKind, earlierRevision, textChanges } from "../src/documents/revisions";
import { overdrawn, pdfWords, type PageWords, type Word } from "../src/documents/words";
import { makePdf } from "./pdf-fixture";

const close = (a: unknown, b: unknown) => expect(JSON.parse(JSON.stringify(a))).toEqual(b);

describe("layout text helpers read as the Python ones do", () => {
  it("amounts (English, French, CR/DR, parentheses, trailing minus)", () => {
    for (const [text, want] of cases.amounts as [string, number[][]][]) close(findAmounts(text), want);
  });
  it("dates and ranges (ISO, numeric, English and French months)", () => {
    for (const [text, want] of cases.dates as [string, unknown[][]][]) close(findDates(text), want);
  });
  it("date order, compact keys and label splits", () => {
    for (const [text, want] of cases.date_order) expect(dateOrder(text)).toBe(want);
    for (const [text, want] of cases.compact) expect(compact(text)).toBe(want);
    for (const [text, list, want] of cases.split_label as [string, keyof typeof LABELS, unknown][]) {
      close(splitLabel(text, LABELS[list]), want);
    }
  });
});

describe("layout reading of whole pages agrees with Python", () => {
  for (const [name, c] of Object.entries(cases.pages)) {
    it(name, () => {
      const pages: PageWords[] = (c.words as [string, number, number, number, number, number][][]).map((ws, i) => ({
        page: i, width: 612, height: 792,
        words: ws.map(([text, page, x0, top, x1, bottom]): Word => ({ text, page, x0, top, x1, bottom })),
      }));
      const lines = buildLines(pages);
      expect(lines.map((l) => l.cells.map((cell) => cell.text))).toEqual(c.lines);
      if (name.startsWith("stub")) {
        const got = readPaystub(lines);
        close({ ...got.stub, employee: got.employee, itemised: got.itemised, withholdings: got.withholdings }, c.read);
      } else {
        const { holder, ...rest } = readBank(lines);
        close({ ...rest, holder }, c.read);
      }
    });
  }
});

describe("the shared vocabulary", () => {
  it("holds compact labels only, and the stop words include every field's labels", () => {
    for (const list of Object.values(vocabJson.labels)) for (const label of list) expect(label).toBe(compact(label));
    for (const list of Object.values(vocabJson.withholding)) for (const label of list) expect(label).toBe(compact(label));
    for (const label of [...LABELS.GROSS, ...LABELS.EMPLOYER, ...vocabJson.stop_extra]) expect(STOPS).toContain(label);
    expect(LABELS.GROSS.indexOf("grosspay")).toBeLessThan(LABELS.GROSS.indexOf("gross"));
  });
});

describe("statutory withholding agrees with Python", () => {
  it("the same withholding_mismatch signals, word for word, on the shared cases", () => {
    type Case = Record<string, unknown> & { withholdings: [string, string, number, number | null][] };
    for (const [input, want] of cases.withholding_signals as unknown as [Case, string[][]][]) {
      const { withholdings, ...stub } = input;
      const doc = {
        file_name: "stub.pdf", pay_stub: { period_end: null, ...stub },
        withholdings: withholdings.map(([kind, label, amount, ytd]) => ({ kind, label, amount, ytd, confidence: 1 })),
      } as unknown as DocumentFacts;
      const got = withholdingMismatch(doc).map((s) => [s.code, s.severity, s.evidence, s.message]);
      expect(got, JSON.stringify(input)).toEqual(want);
    }
    expect((cases.withholding_signals as unknown[][]).filter(([, w]) => (w as unknown[]).length).length).toBeGreaterThan(2);
  });

  it("has words for every contribution and pay frequency of the shared table", () => {
    const names = Object.keys(statutoryJson.wording.names);
    for (const kinds of Object.values(statutoryJson.years)) for (const kind of Object.keys(kinds)) expect(names).toContain(kind);
    expect(Object.keys(statutoryJson.wording.paid).sort()).toEqual(Object.keys(statutoryJson.periods_per_year).sort());
  });
});

describe("PDF words through pdf.js", () => {
  it("reads a PDF's words with boxes, top-left origin", async () => {
    const got = await pdfWords(await makePdf({ lines: ["Gross Pay: $4,200.00"] }));
    expect(got?.pageCount).toBe(1);
    const words = got!.pages[0].words;
    expect(words.map((w) => w.text)).toEqual(["Gross", "Pay:", "$4,200.00"]);
    expect(words[0].x0).toBeLessThan(words[1].x0);
    expect(words[0].top).toBeLessThan(words[0].bottom);
    expect(words[0].bottom).toBeLessThan(got!.pages[0].height);
  });
  it("answers null for bytes that are no PDF or a damaged one, never throws", async () => {
    expect(await pdfWords(new TextEncoder().encode("not a pdf at all"))).toBeNull();
    const truncated = (await makePdf({ lines: ["Net Pay 1.00"] })).subarray(0, 40);
    const got = await pdfWords(truncated);
    expect(got === null || got.pages.every((p) => p.words.length === 0)).toBe(true);
  });
  it("hides a word drawn over by a later one, and the whited-out rest of the old figure", () => {
    const w = (text: string, x0: number, x1: number): Word => ({ text, page: 0, x0, x1, top: 100, bottom: 110 });
    // Old "3 287,50" (two words), then the editor's "4 437,50" set a little to the left.
    const words = [w("Brut", 40, 60), w("3", 130.5, 134.5), w("287,50", 138, 163), w("4", 125.3, 130), w("437,50", 134.7, 163.2)];
    expect([...overdrawn(words, [0, 1, 1, 2, 2])].sort()).toEqual([1, 2]);
    expect(overdrawn([w("Net", 40, 60), w("Pay", 65, 80)]).size).toBe(0);
  });
});

describe("incremental revisions compared as pdf_extract.py does", () => {
  it("pairs changed lines by label and tells a change from an addition or a signature", () => {
    const changes = textChanges("Gross Pay 3,091.67\nNet Pay 2,331.43\nEmployee Jane", "Gross Pay 4,191.67\nNet Pay 2,331.43\nEmployee Jane");
    expect(changes).toEqual(["Gross Pay 3,091.67 → 4,191.67"]);
    expect(changeKind(changes)).toBe("changed");
    expect(changeKind(textChanges("A", "A\nNote: paid"))).toBe("added");
    expect(changeKind(textChanges("A", "A\nDigitally signed by HR"))).toBe("signature");
    expect(textChanges("same\ntext", "same\ntext")).toEqual([]);
  });
  it("cuts the earlier revision after its %%EOF, and has none for a one-revision file", async () => {
    const two = await makePdf({ lines: ["Net Pay 100.00"], updates: [{ lines: ["Net Pay 900.00"] }] });
    const earlier = earlierRevision(two);
    expect(earlier).not.toBeNull();
    expect(new TextDecoder("latin1").decode(earlier!.subarray(-8))).toMatch(/%%EOF\s*$/);
    expect(earlierRevision(await makePdf({ lines: ["x"] }))).toBeNull();
  });
});

describe("revisions and metadata through inspectDocument", () => {
  const row = (name: string) => ({ id: name, file_name: name, file_type: "paystub", r2_key: name, sha256: "", mime_type: null });
  const lines = ["Pay Stub", "Employer: Acme Ltd", "Gross Pay: $4,200.00", "Net Pay: $3,300.00"];
  it("an amount rewritten in an incremental update: high, with the changed line; the newest Info wins", async () => {
    const bytes = await makePdf({
      lines, creationDate: "D:20261001120000Z",
      updates: [{ lines: [...lines.slice(0, 3), "Net Pay: $3,900.00"], modDate: "D:20261020120000Z", producer: "LeaseLab Test Generator" }],
    });
    const doc = await inspectDocument(row("edited.pdf"), bytes);
    expect(doc.pay_stub?.net).toBe(3900);
    expect(doc.metadata.mod_date).toBe("D:20261020120000Z");
    expect(doc.metadata.revision_change_kind).toBe("changed");
    const sig = detectSignals([doc], {}).find((x) => x.code === "incremental_revision");
    expect(sig?.severity).toBe("high");
    expect(sig?.evidence).toMatch(/Net Pay:\s+\$3,300\.00 → \$3,900\.00/);
    expect(detectSignals([doc], {}).some((x) => x.code === "date_mismatch")).toBe(true);
  });
  it("a line only added (a note) is medium; the same text saved again is low", async () => {
    const added = await inspectDocument(row("note.pdf"), await makePdf({ lines, updates: [{ lines: [...lines, "Note: paid by direct deposit"] }] }));
    expect(detectSignals([added], {}).find((x) => x.code === "incremental_revision")?.severity).toBe("medium");
    const same = await inspectDocument(row("same.pdf"), await makePdf({ lines, updates: [{ producer: "LeaseLab Test Generator" }] }));
    expect(same.metadata.earlier_revision).toBe("same text");
    expect(detectSignals([same], {}).find((x) => x.code === "incremental_revision")?.severity).toBe("low");
  });
});
