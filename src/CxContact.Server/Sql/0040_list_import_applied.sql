-- An import's change to its list and the mark that it was made commit in one transaction. An import cut off after
-- that commit and before its job was closed (its silo died, PostgreSQL restarted) is then only closed when it runs
-- again: never applied twice. The counters and warnings are saved with the mark, so the closing reports them.
ALTER TABLE list_imports ADD COLUMN applied_at timestamptz;
