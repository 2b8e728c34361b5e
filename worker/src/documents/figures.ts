/**
 * Figures read from document text for the deterministic `rules` provider: pay stub amounts,
 * bank statement balances and deposits, employment letter salary and start date. Labels follow
 * common layouts ("Gross Pay: $4,200.00"); anything not found stays absent (never guessed).
 */

export interface PayStub {
  gross: number | null;
  deductions: number | null;
  net: number | null;
  ytd_gross: number | null;
  pay_frequency: string | null;
  pay_date: string | null;
  period_start?: string | null;
  period_end?: string | null;
}

/** A statutory contribution line a pay stub prints (CPP, QPP, EI, Social Security, Medicare…). */
export interface Withholding {
  kind: string;
  label: string;
  amount: number;
  ytd: number | null;
  confidence: number;
}

export interface BankFacts {
  opening_balance: number | null;
  closing_balance: number | null;
  total_deposits: number | null;
  total_withdrawals: number | null;
  period_start?: string | null;
  period_end?: string | null;
  /** Dated rows as printed: [description, signed amount, running balance or null]. */
  transactions: [string, number, number | null][];
  /** Pages that do not continue from the page before (balance carried/brought forward). */
  continuity_breaks?: string[];
  income_deposits: number;
  assistance_deposits: number;
  negative_balance_lines: number;
  min_balance: number | null;
}

export interface Figures {
  employer?: string | null;
  stated_annual_salary?: number | null;
  employment_start?: string | null;
  pay_stub?: PayStub | null;
  withholdings?: Withholding[];
  bank_statement?: BankFacts | null;
  monthly_income_estimate?: number | null;
  public_assistance_monthly?: number | null;
}

const AMOUNT = String.raw`(-|−|\()?\s?(?:CA|C|US)?\$?\s?(-)?(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\)?`;

export function parseAmount(text: string): number | null {
  const m = new RegExp(AMOUNT).exec(text);
  if (!m) return null;
  const v = Number(m[3].replace(/,/g, ""));
  if (!Number.isFinite(v)) return null;
  return m[1] || m[2] ? -v : v;
}

/** The first amount after a label on the same line. */
export function labelledAmount(text: string, label: string): number | null {
  // Labels and amounts on the same line only.
  const sameLine = label.split("\\s+").join("[ \\t]+");
  const re = new RegExp(`(?:${sameLine})[ \\t]*[:#]?[^\\n\\d$(−-]{0,30}${AMOUNT}`, "i");
  const m = re.exec(text);
  if (!m) return null;
  const v = Number(m[3].replace(/,/g, ""));
  if (!Number.isFinite(v)) return null;
  return m[1] || m[2] ? -v : v;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

export function parseDate(text: string): string | null {
  let m = /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/.exec(text);
  if (m) return iso(+m[1], +m[2], +m[3]);
  m = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b/i.exec(text);
  if (m) return iso(+m[3], MONTHS.indexOf(m[1].toLowerCase()) + 1, +m[2]);
  m = /\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b/i.exec(text);
  if (m) return iso(+m[3], MONTHS.indexOf(m[2].toLowerCase()) + 1, +m[1]);
  m = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b/i.exec(text);
  if (m) return iso(+m[2], MONTHS.indexOf(m[1].toLowerCase()) + 1, 1);
  return null;
}

function iso(y: number, mo: number, d: number): string | null {
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const PER_MONTH: Record<string, number> = { weekly: 52 / 12, biweekly: 26 / 12, semimonthly: 2, monthly: 1 };

function payFrequency(text: string): string | null {
  if (/\b(bi-?weekly|every two weeks|fortnightly)\b/i.test(text)) return "biweekly";
  if (/\b(semi-?monthly|twice a month)\b/i.test(text)) return "semimonthly";
  if (/\bweekly\b/i.test(text)) return "weekly";
  if (/\bmonthly\b/i.test(text)) return "monthly";
  return null;
}

function labelledText(text: string, label: string): string | null {
  const m = new RegExp(`^\\s*(?:${label})\\s*[:#]\\s*(.+?)\\s*$`, "im").exec(text);
  return m ? m[1].slice(0, 120) : null;
}

/** Columnar stubs ("Current | Year to Date"): the gross line's second amount is the YTD. */
function columnYtd(text: string): number | null {
  if (!/year[ -]to[ -]date|\bytd\b/i.test(text)) return null;
  const line = /^[ \t]*gross[ \t]+(?:pay|earnings|wages)?[^\n]*$/im.exec(text);
  if (!line) return null;
  const amounts = [...line[0].matchAll(new RegExp(AMOUNT, "g"))].filter((m) => /[.,]\d|\$/.test(m[0]));
  return amounts.length >= 2 ? Number(amounts[1][3].replace(/,/g, "")) : null;
}

function paystubFigures(text: string): Figures {
  const stub: PayStub = {
    gross: labelledAmount(text, "gross\\s+(?:pay|earnings|wages)|total\\s+gross|gross"),
    deductions: labelledAmount(text, "total\\s+deductions|deductions"),
    net: labelledAmount(text, "net\\s+(?:pay|amount|earnings)|take[- ]home"),
    ytd_gross: labelledAmount(text, "ytd\\s+gross|gross\\s+ytd|year[- ]to[- ]date\\s+gross") ?? columnYtd(text),
    pay_frequency: payFrequency(text),
    pay_date: (() => {
      const m = /pay\s*date\s*[:#]?\s*(.{6,24})/i.exec(text);
      return m ? parseDate(m[1]) : null;
    })(),
  };
  const perMonth = PER_MONTH[stub.pay_frequency ?? "biweekly"];
  return {
    employer: labelledText(text, "employer|company"),
    pay_stub: stub,
    monthly_income_estimate: stub.gross !== null && stub.gross > 0 ? Math.round(stub.gross * perMonth * 100) / 100 : null,
  };
}

function bankFigures(text: string): Figures {
  const bank: BankFacts = {
    opening_balance: labelledAmount(text, "opening\\s+balance|beginning\\s+balance|previous\\s+balance"),
    closing_balance: labelledAmount(text, "closing\\s+balance|ending\\s+balance|new\\s+balance"),
    total_deposits: labelledAmount(text, "total\\s+(?:deposits|credits)"),
    total_withdrawals: labelledAmount(text, "total\\s+(?:withdrawals|debits)"),
    transactions: [],
    income_deposits: 0,
    assistance_deposits: 0,
    negative_balance_lines: 0,
    min_balance: null,
  };
  for (const line of text.split("\n")) {
    const amounts = [...line.matchAll(new RegExp(AMOUNT, "g"))]
      .filter((m) => /[.,]\d|\$/.test(m[0]))
      .map((m) => (m[1] || m[2] ? -1 : 1) * Number(m[3].replace(/,/g, "")));
    if (amounts.length >= 2) {
      const balance = amounts[amounts.length - 1];
      if (bank.min_balance === null || balance < bank.min_balance) bank.min_balance = balance;
      if (balance < 0) bank.negative_balance_lines++;
      const dated = /^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{4}|[A-Za-z]{3}\s+\d{1,2})\b/.exec(line);
      if (dated && bank.transactions.length < 300) {
        const desc = line.slice(dated[0].length).split(/\s[-−(]?\$?\d[\d,]*\.\d{2}/)[0].trim();
        bank.transactions.push([desc.slice(0, 80), amounts[amounts.length - 2], balance]);
      }
      const amount = Math.abs(amounts[amounts.length - 2]);
      if (/ontario\s+works|\bodsp\b|social\s+assistance|disability\s+support/i.test(line)) bank.assistance_deposits += amount;
      else if (/payroll|salary|direct\s+dep|\bpay\b|wages/i.test(line)) bank.income_deposits += amount;
    }
  }
  return {
    bank_statement: bank,
    monthly_income_estimate: bank.income_deposits > 0 ? Math.round(bank.income_deposits * 100) / 100 : null,
    public_assistance_monthly: bank.assistance_deposits > 0 ? Math.round(bank.assistance_deposits * 100) / 100 : null,
  };
}

function letterFigures(text: string): Figures {
  const annualMatch = /(?:annual|yearly|base)\s+(?:gross\s+)?(?:salary|compensation|income|pay|wage)[^$\d\n]{0,40}(\$?\s?[\d,]+(?:\.\d{2})?)|salary\s+of\s+(\$?\s?[\d,]+(?:\.\d{2})?)/i.exec(text);
  const annual = annualMatch ? parseAmount(annualMatch[1] ?? annualMatch[2]) : null;
  const startMatch = /(?:since|effective|start(?:ing)?\s+date\s*(?:of|:)?|commenc\w+\s+on|joined\s+\w+(?:\s+\w+)?\s+on)\s+(.{6,24})/i.exec(text);
  const employerMatch = /employed\s+(?:full[- ]time\s+|part[- ]time\s+)?(?:by|with|at)\s+([A-Z][\w&.,'’\- ]{1,80}?)\s+(?:as|since|from|on|in)\b/.exec(text);
  return {
    employer: employerMatch ? employerMatch[1].trim() : labelledText(text, "employer|company"),
    stated_annual_salary: annual !== null && annual > 0 ? annual : null,
    employment_start: startMatch ? parseDate(startMatch[1]) : null,
    monthly_income_estimate: annual !== null && annual > 0 ? Math.round((annual / 12) * 100) / 100 : null,
  };
}

function assistanceFigures(text: string): Figures {
  const m = /(?:monthly[ \t]+(?:amount|benefit|payment)|benefit[ \t]+amount|total[ \t]+(?:benefit|payment))[ \t]*[:#]?[ \t]*\$?[ \t]*(\d{1,3}(?:,\d{3})*\.\d{2})/i.exec(text);
  const amount = m ? Number(m[1].replace(/,/g, "")) : null;
  return { public_assistance_monthly: amount !== null && amount > 0 ? amount : null };
}

export function extractFigures(text: string, kind: string): Figures {
  try {
    if (kind === "paystub") return paystubFigures(text);
    if (kind === "bank_statement") return bankFigures(text);
    if (kind === "employment_letter") return letterFigures(text);
    if (kind === "public_assistance") return assistanceFigures(text);
  } catch {
    return {};
  }
  return {};
}
