/**
 * The statutory contribution lines a pay stub prints (port of layout/withholding.py): CPP/QPP, EI,
 * QPIP, Social Security, Medicare, English and French labels from the shared vocabulary, each with
 * this period's amount and, when a YTD column or line has it, the year-to-date one.
 */
import type { Withholding } from "../figures";
import type { Line } from "./lines";
import { amountAt, splitLabel } from "./pairing";
import { findAmounts } from "./text";
import { WITHHOLDING } from "./vocab";

function kindOf(text: string): [string, string] | null {
  for (const [label, kind] of WITHHOLDING) {
    const split = splitLabel(text, [label]);
    if (split !== null && !split[1]) return [kind, split[0]];
  }
  return null;
}

/** The label as printed, with the text cells just before it ("Social Security" | "(OASDI)"). */
function printedLabel(line: Line, i: number): string {
  let start = i;
  while (start > 0 && !findAmounts(line.cells[start - 1].text).length) start--;
  return line.cells.slice(start, i + 1).map((c) => c.text).join(" ");
}

/** Each kind once, where it is first printed with an amount (a YTD table repeats the labels). */
export function readWithholdings(lines: readonly Line[]): Withholding[] {
  const out = new Map<string, Withholding>();
  for (const line of lines) {
    line.cells.forEach((cell, i) => {
      const hit = kindOf(cell.text);
      if (hit === null || out.has(hit[0])) return;
      const [kind, rest] = hit;
      const current = amountAt(lines, line, i, rest, false, false);
      if (current === null || typeof current.value !== "number") return;
      const ytd = amountAt(lines, line, i, rest, false, true);
      out.set(kind, {
        kind, label: printedLabel(line, i), amount: Math.abs(current.value),
        ytd: ytd !== null && typeof ytd.value === "number" ? Math.abs(ytd.value) : null,
        confidence: 1, // the worker reads text layers only
      });
    });
  }
  return [...out.values()];
}
