-- The one schema: plain SQLite that Cloudflare D1 also runs (worker/wrangler.toml points
-- migrations_dir here). No PRAGMAs, no extensions. Timestamps are ISO-8601 UTC text with 'Z'.

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  tier TEXT NOT NULL DEFAULT 'free',             -- free 20, pro 100, enterprise 1000 per month
  policy_profile TEXT NOT NULL DEFAULT 'default', -- 'default' | 'ontario'
  created_at TEXT NOT NULL
);

CREATE TABLE properties (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL,
  address TEXT,
  city TEXT,
  province TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_properties_site ON properties(site_id);

CREATE TABLE units (
  id TEXT PRIMARY KEY,
  property_id TEXT NOT NULL REFERENCES properties(id),
  site_id TEXT NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL,
  bedrooms INTEGER,
  monthly_rent REAL,
  is_occupied INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_units_property ON units(property_id);

CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  property_id TEXT NOT NULL REFERENCES properties(id),
  unit_id TEXT REFERENCES units(id),
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT,
  current_address TEXT,
  employment_status TEXT,
  employer TEXT,
  employment_start_date TEXT,
  monthly_income REAL,
  move_in_date TEXT,
  message TEXT,
  status TEXT NOT NULL DEFAULT 'new',
  ai_score INTEGER,
  ai_label TEXT,
  landlord_note TEXT,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX idx_leads_site_score ON leads(site_id, ai_score);
CREATE INDEX idx_leads_site_updated ON leads(site_id, updated_at);
CREATE INDEX idx_leads_site_status ON leads(site_id, status);

CREATE TABLE lead_files (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id),
  site_id TEXT NOT NULL REFERENCES sites(id),
  file_type TEXT NOT NULL DEFAULT 'other',
  file_name TEXT NOT NULL,
  file_size INTEGER NOT NULL,
  mime_type TEXT,
  r2_key TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  md5 TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX idx_lead_files_lead ON lead_files(lead_id);
CREATE INDEX idx_lead_files_site_sha ON lead_files(site_id, sha256);

-- History: several evaluations per lead; never updated after insert.
CREATE TABLE lead_ai_evaluations (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads(id),
  site_id TEXT NOT NULL REFERENCES sites(id),
  workflow_instance_id TEXT,
  score INTEGER NOT NULL,
  label TEXT NOT NULL,
  recommendation TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  risk_flags TEXT NOT NULL DEFAULT '[]',
  fraud_signals TEXT NOT NULL DEFAULT '[]',
  factors TEXT NOT NULL DEFAULT '[]',
  signals TEXT NOT NULL DEFAULT '[]',
  what_would_change TEXT NOT NULL DEFAULT '[]',
  compliance_notes TEXT NOT NULL DEFAULT '[]',
  facts TEXT NOT NULL DEFAULT '{}',
  file_hashes TEXT NOT NULL DEFAULT '[]',   -- sha256 of each document, for the duplicate guard
  document_fingerprint TEXT,
  policy_version TEXT,
  model_version TEXT,
  provider TEXT,
  forced_reason TEXT,
  requested_by TEXT,
  evaluated_at TEXT NOT NULL
);
CREATE INDEX idx_evaluations_lead ON lead_ai_evaluations(lead_id, evaluated_at);

CREATE TABLE ai_evaluation_usage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites(id),
  month TEXT NOT NULL,                        -- YYYY-MM (UTC)
  evaluation_count INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  UNIQUE (site_id, month)
);

-- Append-only: an override never edits the evaluation it overrides.
CREATE TABLE evaluation_overrides (
  id TEXT PRIMARY KEY,
  evaluation_id TEXT NOT NULL REFERENCES lead_ai_evaluations(id),
  lead_id TEXT NOT NULL REFERENCES leads(id),
  site_id TEXT NOT NULL REFERENCES sites(id),
  from_recommendation TEXT NOT NULL,
  to_recommendation TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_overrides_evaluation ON evaluation_overrides(evaluation_id, created_at);

CREATE TABLE lead_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  lead_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  user_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_lead_history_lead ON lead_history(lead_id, created_at);

CREATE TABLE workflow_errors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  lead_id TEXT,
  site_id TEXT,
  step TEXT,
  error_name TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_workflow_errors_instance ON workflow_errors(instance_id);

-- One row per evaluation run (workflow instance), with per-step progress beside it: a Workflow's
-- status() carries no step progress, so the steps record it here and the status route merges both.
CREATE TABLE ai_workflow_runs (
  instance_id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  current_step TEXT,
  requested_by TEXT,
  force_reason TEXT,
  provider TEXT,
  evaluation_id TEXT,
  error_name TEXT,
  error_message TEXT,
  queued_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX idx_runs_lead ON ai_workflow_runs(lead_id, queued_at);

CREATE TABLE ai_workflow_steps (
  instance_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  ended_at TEXT,
  error TEXT,
  PRIMARY KEY (instance_id, name)
);

-- Worker auth: bearer tokens stored only as SHA-256 hex; each grants a set of sites.
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  user_id TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE api_token_sites (
  token_hash TEXT NOT NULL REFERENCES api_tokens(token_hash),
  site_id TEXT NOT NULL,
  PRIMARY KEY (token_hash, site_id)
);

CREATE TABLE idempotency_keys (
  site_id TEXT NOT NULL,
  key TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (site_id, key)
);
