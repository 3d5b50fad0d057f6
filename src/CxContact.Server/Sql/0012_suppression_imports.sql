-- Suppression list imports: the same queue pattern as list_imports (claimed with FOR UPDATE SKIP LOCKED, taken
-- back when the heartbeat stops), in their own table because list_imports belongs to contact lists.
CREATE TABLE suppression_imports
(
    tenant_id       uuid        NOT NULL,
    import_id       uuid        NOT NULL PRIMARY KEY,
    list_id         uuid        NOT NULL REFERENCES suppression_lists (list_id),
    state           text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    mode            text        NOT NULL CHECK (mode IN ('append', 'replace')),
    spec            jsonb       NOT NULL,
    file_path       text        NOT NULL,
    file_name       text,
    file_bytes      bigint      NOT NULL DEFAULT 0,
    idempotency_key text,
    rows_read       bigint      NOT NULL DEFAULT 0,
    accepted        bigint      NOT NULL DEFAULT 0,
    rejected        bigint      NOT NULL DEFAULT 0,
    entries         bigint      NOT NULL DEFAULT 0,
    warnings        text[]      NOT NULL DEFAULT '{}',
    error           text,
    attempts        integer     NOT NULL DEFAULT 0,
    worker          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    heartbeat_at    timestamptz
);
CREATE UNIQUE INDEX suppression_imports_idempotency ON suppression_imports (tenant_id, list_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX suppression_imports_pending ON suppression_imports (created_at) WHERE state IN ('queued', 'running');

CREATE TABLE suppression_import_errors
(
    tenant_id   uuid    NOT NULL,
    import_id   uuid    NOT NULL REFERENCES suppression_imports (import_id) ON DELETE CASCADE,
    row_no      integer NOT NULL,
    column_name text    NOT NULL,
    reason      text    NOT NULL
);
CREATE INDEX suppression_import_errors_import ON suppression_import_errors (import_id, row_no);
