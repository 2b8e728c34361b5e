// Shared helpers of the worker's scripts (Node ≥ 20, no dependencies).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const WORKER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** SQL string literal (single quotes doubled); null/undefined → NULL; numbers and booleans as is. */
export function sqlValue(v) {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return `'${String(v).replace(/'/g, "''")}'`;
}

export function insert(table, row, verb = "INSERT OR REPLACE") {
  const cols = Object.keys(row);
  return `${verb} INTO ${table} (${cols.join(", ")}) VALUES (${cols.map((c) => sqlValue(row[c])).join(", ")});`;
}

/** Where D1 lives: --local [--persist-to DIR] or --remote. */
export function d1Target(args) {
  if (args.remote) return ["--remote"];
  const out = ["--local"];
  if (args["persist-to"]) out.push("--persist-to", args["persist-to"]);
  return out;
}

export function parseArgs(argv, { multi = [] } = {}) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      args._.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2);
    const next = argv[i + 1];
    let value = true;
    if (inline !== undefined) value = inline;
    else if (next !== undefined && !next.startsWith("--")) value = argv[++i];
    if (multi.includes(key)) (args[key] ??= []).push(value);
    else args[key] = value;
  }
  return args;
}

/** Run wrangler from the worker folder; throws with its output when it fails. */
export function wrangler(wranglerArgs, { quiet = false } = {}) {
  const bin = path.join(WORKER_DIR, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
  const res = spawnSync(bin, wranglerArgs, {
    cwd: WORKER_DIR, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
    shell: process.platform === "win32",
  });
  if (res.status !== 0) {
    throw new Error(`wrangler ${wranglerArgs.slice(0, 3).join(" ")} failed (exit ${res.status}):\n${(res.stdout ?? "") + (res.stderr ?? "")}`.trim());
  }
  if (!quiet) process.stderr.write(res.stdout ?? "");
  return res.stdout ?? "";
}

export function shellQuote(s) {
  return /^[A-Za-z0-9_./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
