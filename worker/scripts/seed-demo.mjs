#!/usr/bin/env node
// Turn the demo dataset into D1 rows and R2 objects for local development.
//
//   node scripts/seed-demo.mjs [--demo-dir DIR] [--sql FILE] [--apply] [--local [--persist-to DIR] | --remote]
//        [--upload-to BASE_URL --token TOKEN] [--other-site] [--inline]
//
// Source: DIR/demo.json (+ DIR/files/...) written by `python resources/demo/generator.py DIR`.
// Without --demo-dir the generator is run into a temp folder (LEASELAB_PYTHON, ../.venv/bin/python
// or python3); if that fails (or with --inline) a small inline dataset is used.
// Output:
//   --sql FILE     the INSERTs (sites, properties, units, leads, lead_files) written to FILE
//   --apply        run them with `wrangler d1 execute DB --file` and put every document with
//                  `wrangler r2 object put` (one wrangler call per file: slow but standalone)
//   --upload-to    instead of R2 puts (and of lead_files rows), upload the documents through a
//                  running worker's POST /api/ops/leads/:id/files (fast; needs --token)
//   --no-files     leads only: no lead_files rows and no R2 puts (upload the documents later)
//   --other-site   also add `site_other` with one property, unit and lead (for cross-site checks)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { d1Target, insert, parseArgs, WORKER_DIR, wrangler } from "./lib.mjs";

const args = parseArgs(process.argv.slice(2));
const REPO = path.resolve(WORKER_DIR, "..");
const BUCKET = "leaselab-private";

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function runGenerator() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "leaselab-demo-"));
  const candidates = [process.env.LEASELAB_PYTHON, path.join(REPO, ".venv", "bin", "python"), path.join(REPO, ".venv", "Scripts", "python.exe"), "python3", "python"].filter(Boolean);
  for (const py of candidates) {
    const res = spawnSync(py, [path.join(REPO, "resources", "demo", "generator.py"), out], { encoding: "utf8" });
    if (res.status === 0 && fs.existsSync(path.join(out, "demo.json"))) return out;
  }
  log("demo generator could not run; using the inline dataset");
  return null;
}

function inlineDataset() {
  const t = "2026-11-02T10:00:00.000Z";
  const text = (lines) => Buffer.from(lines.join("\n"), "utf8");
  return {
    dir: null,
    data: {
      site: { id: "site_demo", name: "Lakeshore Living", tier: "pro", policy_profile: "default", created_at: t },
      properties: [{ id: "prop_demo_a", site_id: "site_demo", name: "Harbourfront Residences", address: "25 Queens Quay W", city: "Toronto", province: "ON", created_at: t }],
      units: [
        { id: "unit_demo_a1", property_id: "prop_demo_a", site_id: "site_demo", name: "804", bedrooms: 1, monthly_rent: 1995, is_occupied: 0, created_at: t },
        { id: "unit_demo_a2", property_id: "prop_demo_a", site_id: "site_demo", name: "1201", bedrooms: 2, monthly_rent: 2650, is_occupied: 0, created_at: t },
      ],
      leads: [1, 2, 3].map((n) => ({
        id: `lead_demo_0${n}`, site_id: "site_demo", property_id: "prop_demo_a", unit_id: n === 2 ? "unit_demo_a2" : "unit_demo_a1",
        first_name: ["Priya", "Marcus", "Lena"][n - 1], last_name: ["Raman", "Cole", "Fischer"][n - 1], email: `demo${n}@example.com`,
        phone: `416-555-010${n}`, current_address: `${n} Demo Street, Toronto, ON`, employment_status: "employed",
        employer: "Northwind Analytics Inc.", employment_start_date: "2022-03-01T00:00:00.000Z", monthly_income: 6000 + 1000 * n,
        move_in_date: "2026-12-01T00:00:00.000Z", message: null, status: "documents_received", ai_score: null, ai_label: null,
        landlord_note: null, is_active: true, created_at: t, updated_at: t,
        documents: [{
          file_name: "paystub.txt", file_type: "paystub", mime_type: "text/plain",
          bytes: text(["EARNINGS STATEMENT", "Employer: Northwind Analytics Inc.", "Pay Frequency: Bi-weekly", `Gross Pay: $${(2800 + 400 * n).toFixed(2)}`, "Total Deductions: $700.00", `Net Pay: $${(2100 + 400 * n).toFixed(2)}`]),
        }],
      })),
    },
  };
}

function loadDataset() {
  if (args.inline) return inlineDataset();
  const dir = typeof args["demo-dir"] === "string" ? path.resolve(args["demo-dir"]) : runGenerator();
  if (!dir) return inlineDataset();
  const file = path.join(dir, "demo.json");
  if (!fs.existsSync(file)) throw new Error(`${file} not found; run: python resources/demo/generator.py ${dir}`);
  return { dir, data: JSON.parse(fs.readFileSync(file, "utf8")) };
}

const LEAD_COLUMNS = [
  "id", "site_id", "property_id", "unit_id", "first_name", "last_name", "email", "phone", "current_address",
  "employment_status", "employer", "employment_start_date", "monthly_income", "move_in_date", "message", "status",
  "ai_score", "ai_label", "landlord_note", "is_active", "created_at", "updated_at",
];
const pick = (row, cols) => Object.fromEntries(cols.map((c) => [c, row[c] ?? null]));
const safeName = (n) => (n.split(/[\\/]/).pop() ?? "").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(-100) || "file";

function documentsOf(ds) {
  const out = [];
  for (const lead of ds.data.leads) {
    (lead.documents ?? []).forEach((doc, i) => {
      const bytes = doc.bytes ?? fs.readFileSync(path.join(ds.dir, doc.path));
      const stamp = Date.parse(lead.created_at) + i;
      out.push({
        lead, doc, bytes,
        row: {
          id: `file_${lead.id}_${i + 1}`, lead_id: lead.id, site_id: lead.site_id, file_type: doc.file_type ?? "other",
          file_name: doc.file_name, file_size: bytes.length, mime_type: doc.mime_type ?? "application/octet-stream",
          r2_key: `leads/${lead.id}/${stamp}-${safeName(doc.file_name)}`,
          sha256: createHash("sha256").update(bytes).digest("hex"), md5: createHash("md5").update(bytes).digest("hex"),
          uploaded_at: lead.created_at,
        },
      });
    });
  }
  return out;
}

function buildSql(ds, docs, withFiles) {
  const { site, properties, units, leads } = ds.data;
  const lines = [insert("sites", pick(site, ["id", "name", "tier", "policy_profile", "created_at"]))];
  for (const p of properties) lines.push(insert("properties", pick(p, ["id", "site_id", "name", "address", "city", "province", "created_at"])));
  for (const u of units) lines.push(insert("units", pick(u, ["id", "property_id", "site_id", "name", "bedrooms", "monthly_rent", "is_occupied", "created_at"])));
  for (const l of leads) lines.push(insert("leads", pick(l, LEAD_COLUMNS)));
  if (withFiles) for (const d of docs) lines.push(insert("lead_files", d.row));
  if (args["other-site"]) {
    const t = "2026-11-01T09:00:00.000Z";
    lines.push(
      insert("sites", { id: "site_other", name: "Other Property Group", tier: "free", policy_profile: "default", created_at: t }),
      insert("properties", { id: "prop_other_1", site_id: "site_other", name: "Elm Towers", address: "9 Elm St", city: "Ottawa", province: "ON", created_at: t }),
      insert("units", { id: "unit_other_1", property_id: "prop_other_1", site_id: "site_other", name: "3B", bedrooms: 2, monthly_rent: 2100, is_occupied: 0, created_at: t }),
      insert("leads", {
        id: "lead_other_01", site_id: "site_other", property_id: "prop_other_1", unit_id: "unit_other_1", first_name: "Olivia",
        last_name: "Other", email: "olivia.other@example.com", phone: "613-555-0199", current_address: "1 Other Rd, Ottawa, ON",
        employment_status: "employed", employer: "Elm Co.", employment_start_date: "2020-01-01T00:00:00.000Z", monthly_income: 7000,
        move_in_date: "2026-12-15T00:00:00.000Z", message: null, status: "new", ai_score: null, ai_label: null, landlord_note: null,
        is_active: 1, created_at: t, updated_at: t,
      }),
    );
  }
  return lines.join("\n") + "\n";
}

async function uploadViaApi(base, token, docs) {
  let n = 0;
  for (const d of docs) {
    const res = await fetch(`${base.replace(/\/+$/, "")}/api/ops/leads/${encodeURIComponent(d.lead.id)}/files`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`, "X-Site-Id": d.lead.site_id, "X-User-Id": "seed-demo",
        "Content-Type": d.row.mime_type, "X-File-Name": encodeURIComponent(d.row.file_name), "X-File-Type": d.row.file_type,
      },
      body: d.bytes,
    });
    if (res.status !== 201) throw new Error(`upload of ${d.row.file_name} for ${d.lead.id} failed: HTTP ${res.status} ${await res.text()}`);
    n++;
  }
  return n;
}

const ds = loadDataset();
const docs = documentsOf(ds);
const viaApi = typeof args["upload-to"] === "string";
if (viaApi && typeof args.token !== "string") throw new Error("--upload-to needs --token");
const noFiles = Boolean(args["no-files"]);
const sql = buildSql(ds, docs, !viaApi && !noFiles);
const sqlFile = typeof args.sql === "string" ? path.resolve(args.sql) : path.join(fs.mkdtempSync(path.join(os.tmpdir(), "leaselab-seed-")), "seed.sql");
fs.writeFileSync(sqlFile, sql);
log(`seed SQL: ${sqlFile} (${ds.data.leads.length} leads, ${docs.length} documents${args["other-site"] ? ", + site_other" : ""})`);

if (args.apply) {
  log(`$ npx wrangler d1 execute DB ${d1Target(args).join(" ")} --file ${sqlFile}`);
  wrangler(["d1", "execute", "DB", ...d1Target(args), "--yes", "--file", sqlFile], { quiet: true });
  if (!viaApi && !noFiles) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leaselab-r2-"));
    for (const d of docs) {
      const f = path.join(dir, d.row.id);
      fs.writeFileSync(f, d.bytes);
      const target = args.remote ? ["--remote"] : ["--local", ...(args["persist-to"] ? ["--persist-to", args["persist-to"]] : [])];
      wrangler(["r2", "object", "put", `${BUCKET}/${d.row.r2_key}`, "--file", f, "--content-type", d.row.mime_type, ...target], { quiet: true });
    }
    log(`put ${docs.length} objects into R2 bucket ${BUCKET}`);
  }
}
if (viaApi) {
  const n = await uploadViaApi(args["upload-to"], args.token, docs);
  log(`uploaded ${n} documents through ${args["upload-to"]}`);
}
console.log(JSON.stringify({ site_id: ds.data.site.id, leads: ds.data.leads.map((l) => l.id), documents: docs.length, sql: sqlFile }));
