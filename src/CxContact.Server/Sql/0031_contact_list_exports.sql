-- Exports of a contact list (its records with their attempt results) pushed to a tenant's SFTP connection, mostly by
-- schedules. The idempotency key (schedule:{id}:{occurrence} for a scheduled run) makes a retried or resumed
-- occurrence find its export again: one that succeeded is not pushed twice.
CREATE TABLE contact_list_exports
(
    tenant_id          uuid        NOT NULL,
    export_id          uuid        NOT NULL PRIMARY KEY,
    list_id            uuid        NOT NULL,
    state              text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'succeeded', 'failed')),
    sftp_connection_id uuid        NOT NULL,
    remote_path        text        NOT NULL,
    idempotency_key    text,
    rows_written       bigint      NOT NULL DEFAULT 0,
    bytes_written      bigint      NOT NULL DEFAULT 0,
    error              text,
    attempts           integer     NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz
);
CREATE UNIQUE INDEX contact_list_exports_idempotency ON contact_list_exports (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX contact_list_exports_recent ON contact_list_exports (tenant_id, list_id, created_at DESC);

-- A scheduled run links to the export it produced, as it does to an import.
ALTER TABLE schedule_runs ADD COLUMN export_id uuid;
