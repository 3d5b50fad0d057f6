-- Compliance data feeds (a registry's full lists and change lists) write into a suppression list next to the
-- entries added directly (API, append and replace imports). Each entry says who holds it, so a feed's deletion
-- removes a number only when nothing else does:
--   feeds  the feeds that hold the entry (NULL: none);
--   direct NULL or true: it was also added directly, and no feed deletion removes it; false: only feeds hold it.
-- Both NULL by default, so existing entries and the bulk COPY paths stay direct and cost no extra bytes.
ALTER TABLE suppression_entries
    ADD COLUMN feeds  text[],
    ADD COLUMN direct boolean;

-- Feed imports: a change list (rows to add and rows to delete), a full list per area code, or a feed's whole
-- list. What each run did is kept with it.
ALTER TABLE suppression_imports DROP CONSTRAINT suppression_imports_mode_check;
ALTER TABLE suppression_imports
    ADD CONSTRAINT suppression_imports_mode_check CHECK (mode IN ('append', 'replace', 'changes', 'area-codes', 'full')),
    ADD COLUMN added       bigint NOT NULL DEFAULT 0,
    ADD COLUMN removed     bigint NOT NULL DEFAULT 0,
    ADD COLUMN kept        bigint NOT NULL DEFAULT 0,
    ADD COLUMN not_on_list bigint NOT NULL DEFAULT 0;
CREATE INDEX suppression_imports_feed ON suppression_imports (list_id, (spec ->> 'feed'), finished_at DESC)
    WHERE spec ->> 'feed' IS NOT NULL AND state = 'succeeded';
