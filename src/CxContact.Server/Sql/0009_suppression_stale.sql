-- A list whose Redis index missed a write (Redis failed after PostgreSQL committed) is stale until rebuilt. The
-- flag lives here, in the truth, because Redis may be the thing that is down: validation reads it (cached for a
-- couple of seconds) and fails closed, and a repair loop rebuilds the index once Redis answers again.
ALTER TABLE suppression_lists ADD COLUMN index_stale_since timestamptz;
CREATE INDEX suppression_lists_stale ON suppression_lists (index_stale_since) WHERE index_stale_since IS NOT NULL AND deleted_at IS NULL;
