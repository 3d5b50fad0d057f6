-- Contact lists. The list's configuration is ContactListGrain state; this table is the registry that listing
-- and joins need. Records are rows, one partition per list, never grain state.
CREATE TABLE contact_lists
(
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id),
    list_id     uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE INDEX contact_lists_tenant ON contact_lists (tenant_id, created_at) WHERE deleted_at IS NULL;

-- One partition per list (FOR VALUES IN (list_id)), so a replace swaps a whole partition atomically and a delete
-- drops one. Phones are parallel arrays (one element per device, in phoneN slot order): a preload unnests them
-- WITH ORDINALITY into one calling-list row per device.
CREATE TABLE contact_records
(
    tenant_id       uuid        NOT NULL,
    list_id         uuid        NOT NULL,
    contact_id      uuid        NOT NULL,
    source_row      integer     NOT NULL,
    client_id       text,
    first_name      text,
    last_name       text,
    company         text,
    postal_code     text,
    region          text,
    country         text,
    tz              text,
    emails          text[]      NOT NULL DEFAULT '{}',
    phones          text[]      NOT NULL DEFAULT '{}',
    phone_slots     smallint[]  NOT NULL DEFAULT '{}',
    -- 0 unknown, 1 mobile, 2 landline, 3 voip, 4 toll-free (CxContact.Core.Phones.DeviceType)
    phone_types     smallint[]  NOT NULL DEFAULT '{}',
    -- candidate IANA zones per device, space separated: a device may be callable only when all of them allow it
    phone_zones     text[]      NOT NULL DEFAULT '{}',
    custom          jsonb,
    attempts        integer     NOT NULL DEFAULT 0,
    last_result     text,
    last_attempt_at timestamptz,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    import_id       uuid
) PARTITION BY LIST (list_id);

-- Imports run as jobs: queued by the API, claimed by a worker (FOR UPDATE SKIP LOCKED), kept alive by a heartbeat
-- so that a job whose silo died is noticed and resumed or failed, never left "running".
CREATE TABLE list_imports
(
    tenant_id        uuid        NOT NULL,
    import_id        uuid        NOT NULL PRIMARY KEY,
    list_id          uuid        NOT NULL REFERENCES contact_lists (list_id) ON DELETE CASCADE,
    state            text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    phase            text        NOT NULL DEFAULT 'queued',
    mode             text        NOT NULL CHECK (mode IN ('append', 'replace', 'update')),
    spec             jsonb       NOT NULL,
    file_path        text        NOT NULL,
    file_name        text,
    file_bytes       bigint      NOT NULL DEFAULT 0,
    idempotency_key  text,
    rows_read        bigint      NOT NULL DEFAULT 0,
    accepted         bigint      NOT NULL DEFAULT 0,
    rejected         bigint      NOT NULL DEFAULT 0,
    excluded         bigint      NOT NULL DEFAULT 0,
    merged           bigint      NOT NULL DEFAULT 0,
    bytes_read       bigint      NOT NULL DEFAULT 0,
    warnings         text[]      NOT NULL DEFAULT '{}',
    error            text,
    attempts         integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    heartbeat_at     timestamptz,
    worker           text
);
CREATE UNIQUE INDEX list_imports_idempotency ON list_imports (tenant_id, list_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX list_imports_list ON list_imports (list_id, created_at DESC);
CREATE INDEX list_imports_pending ON list_imports (created_at) WHERE state IN ('queued', 'running');

CREATE TABLE list_import_errors
(
    tenant_id  uuid    NOT NULL,
    import_id  uuid    NOT NULL REFERENCES list_imports (import_id) ON DELETE CASCADE,
    row_no     integer NOT NULL,
    column_name text   NOT NULL,
    reason     text    NOT NULL
);
CREATE INDEX list_import_errors_import ON list_import_errors (import_id, row_no);
