-- A row keeps its record when one of its phones or emails cannot be used: that device is kept here with its reason,
-- as [{"field": "phone1", "value": "…", "reason": "…"}], and never dialled (only phones[] and emails[] are). NULL when
-- every device is valid, which is almost every row.
ALTER TABLE contact_records ADD COLUMN invalid_devices jsonb;

-- The error report tells the rows kept with a warning (an invalid device) from the rows rejected.
ALTER TABLE list_import_errors ADD COLUMN warning boolean NOT NULL DEFAULT false;
