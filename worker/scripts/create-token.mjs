#!/usr/bin/env node
// Create an API token for the worker: prints the token ONCE, stores only its SHA-256 in D1.
//
//   node scripts/create-token.mjs --site site_demo [--site other] [--name "Front desk"] [--user agent-1]
//        [--local [--persist-to DIR] | --remote] [--token VALUE] [--dry-run] [--json]
//
// It prints the `wrangler d1 execute DB ... --command "INSERT ..."` it runs. --dry-run only prints.
import { createHash, randomBytes } from "node:crypto";
import { d1Target, insert, parseArgs, shellQuote, wrangler } from "./lib.mjs";

const SITE_RE = /^[A-Za-z0-9_.:-]{1,100}$/;

function usage(msg) {
  if (msg) console.error(`error: ${msg}`);
  console.error("usage: node scripts/create-token.mjs --site SITE_ID [--site ...] [--name NAME] [--user USER_ID] [--local [--persist-to DIR] | --remote] [--token VALUE] [--dry-run] [--json]");
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2), { multi: ["site"] });
if (args.help) usage();
const sites = (args.site ?? []).filter((s) => s !== true);
if (!sites.length) usage("at least one --site is required");
for (const s of sites) if (!SITE_RE.test(s)) usage(`invalid site id '${s}'`);
const token = typeof args.token === "string" ? args.token : `llk_${randomBytes(32).toString("base64url")}`;
if (token.length < 16) usage("a token must be at least 16 characters");
const hash = createHash("sha256").update(token, "utf8").digest("hex");
const now = new Date().toISOString();
const sql = [
  insert("api_tokens", { token_hash: hash, name: typeof args.name === "string" ? args.name : "desktop", user_id: typeof args.user === "string" ? args.user : null, created_at: now, revoked_at: null }, "INSERT"),
  ...sites.map((s) => insert("api_token_sites", { token_hash: hash, site_id: s }, "INSERT OR IGNORE")),
].join(" ");
const cmd = ["d1", "execute", "DB", ...d1Target(args), "--yes", "--command", sql];
console.error(`$ npx wrangler ${cmd.map(shellQuote).join(" ")}`);
if (!args["dry-run"]) wrangler(cmd, { quiet: true });
if (args.json) console.log(JSON.stringify({ token, token_hash: hash, sites }));
else {
  console.log(token);
  console.error(`Token for ${sites.join(", ")} created${args["dry-run"] ? " (dry run: nothing written)" : ""}. It is shown only now; D1 keeps only its SHA-256.`);
}
