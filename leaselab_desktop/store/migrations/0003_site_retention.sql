-- A per-site retention period: the documents, extracted text and cached copies of a closed lead
-- (rejected, lease signed, or archived) are purged this many days after its last change. NULL
-- keeps them. The evaluation record and the audit trail are kept either way.
ALTER TABLE sites ADD COLUMN retention_days INTEGER;
