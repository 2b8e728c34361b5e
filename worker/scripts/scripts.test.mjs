// Node's test runner for the worker's scripts (no wrangler calls): SQL quoting, argument parsing,
// and the seed SQL built from the inline dataset and from a demo folder.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { insert, parseArgs, sqlValue, WORKER_DIR } from "./lib.mjs";

test("sqlValue quotes strings and refuses non-finite numbers", () => {
  assert.equal(sqlValue("O'Brien"), "'O''Brien'");
  assert.equal(sqlValue("x'); DROP TABLE leads; --"), "'x''); DROP TABLE leads; --'");
  assert.equal(sqlValue(null), "NULL");
  assert.equal(sqlValue(true), "1");
  assert.equal(sqlValue(12.5), "12.5");
  assert.throws(() => sqlValue(Number.NaN), /not a finite number/);
  assert.equal(insert("t", { a: 1, b: "x" }), "INSERT OR REPLACE INTO t (a, b) VALUES (1, 'x');");
});

test("parseArgs reads flags, values and repeated options", () => {
  const a = parseArgs(["--site", "s1", "--site=s2", "--local", "--persist-to", "/tmp/x", "pos"], { multi: ["site"] });
  assert.deepEqual(a.site, ["s1", "s2"]);
  assert.equal(a.local, true);
  assert.equal(a["persist-to"], "/tmp/x");
  assert.deepEqual(a._, ["pos"]);
});

test("create-token --dry-run prints a token and the wrangler command, storing only the hash", () => {
  const res = spawnSync(process.execPath, ["scripts/create-token.mjs", "--site", "site_demo", "--dry-run", "--json", "--token", "llk_test_token_123456"], { cwd: WORKER_DIR, encoding: "utf8" });
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.token, "llk_test_token_123456");
  assert.match(out.token_hash, /^[0-9a-f]{64}$/);
  assert.match(res.stderr, /npx wrangler d1 execute DB --local/);
  assert.ok(res.stderr.includes(out.token_hash));
  assert.ok(!res.stderr.includes("llk_test_token_123456"), "the command must not contain the token");
  const bad = spawnSync(process.execPath, ["scripts/create-token.mjs", "--site", "bad site!", "--dry-run"], { cwd: WORKER_DIR, encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid site id/);
});

test("seed-demo --inline writes SQL for sites, leads and files (with hashes) and an other site", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-test-"));
  const sql = path.join(dir, "seed.sql");
  const res = spawnSync(process.execPath, ["scripts/seed-demo.mjs", "--inline", "--other-site", "--sql", sql], { cwd: WORKER_DIR, encoding: "utf8" });
  assert.equal(res.status, 0, res.stderr);
  const summary = JSON.parse(res.stdout.trim().split("\n").at(-1));
  assert.equal(summary.site_id, "site_demo");
  assert.equal(summary.documents, 3);
  const text = fs.readFileSync(sql, "utf8");
  assert.match(text, /INSERT OR REPLACE INTO sites .*'site_demo'/);
  assert.match(text, /INSERT OR REPLACE INTO leads .*'lead_other_01'/);
  assert.equal((text.match(/INTO lead_files/g) ?? []).length, 3);
  assert.match(text, /'leads\/lead_demo_01\/\d+-paystub\.txt'/);
  const noFiles = spawnSync(process.execPath, ["scripts/seed-demo.mjs", "--inline", "--no-files", "--sql", sql], { cwd: WORKER_DIR, encoding: "utf8" });
  assert.equal(noFiles.status, 0, noFiles.stderr);
  assert.equal((fs.readFileSync(sql, "utf8").match(/INTO lead_files/g) ?? []).length, 0);
});
