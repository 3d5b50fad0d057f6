-- The audit trail is written at the rate of decisions and read rarely: plain json stores the text as given,
-- sparing PostgreSQL the jsonb parse on every row (its json operators still work for queries).
ALTER TABLE compliance_decisions ALTER COLUMN input TYPE json, ALTER COLUMN decision TYPE json;
