-- The lead list reads every lead of a site (100,000 on big sites) but only the columns it shows.
-- This index holds exactly those columns in id order, so the list is one index range read that
-- never touches the wide table rows, and pages continue from the last id seen (keyset paging).
CREATE INDEX IF NOT EXISTS idx_leads_list ON leads(
  site_id, is_active, id, first_name, last_name, email, property_id, unit_id, status, ai_score,
  ai_label, updated_at, created_at
);
