-- A tenant's own limits, set by a system admin; a NULL column means the platform's default (CXC_* setting). A table,
-- not grain state, because the import queue's claim reads imports_at_once in the same statement that picks a job.
CREATE TABLE IF NOT EXISTS tenant_limits (
    tenant_id uuid PRIMARY KEY,
    requests_per_second_per_key integer,
    requests_per_second_per_tenant integer,
    messages_per_second integer,
    imports_at_once integer,
    max_upload_mb integer,
    landing_quota_mb integer,
    updated_at timestamptz NOT NULL,
    updated_by uuid
);
