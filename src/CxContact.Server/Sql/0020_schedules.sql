-- Scheduled runs: one row per occurrence of a schedule (or per "run now"). The occurrence key is unique per
-- schedule, so a retried occurrence (Hangfire retry, a server killed mid-job, two scheduler servers) finds its row
-- again instead of running twice; the import it started is found again through the same idempotency key.
CREATE TABLE schedule_runs
(
    tenant_id      uuid        NOT NULL,
    run_id         uuid        NOT NULL PRIMARY KEY,
    schedule_id    uuid        NOT NULL,
    occurrence_key text        NOT NULL,
    trigger        text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    action_type    text        NOT NULL,
    scheduled_for  timestamptz,
    state          text        NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'skipped')),
    attempts       integer     NOT NULL DEFAULT 0,
    error          text,
    detail         text,
    import_id      uuid,
    list_id        uuid,
    hangfire_job   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz
);
CREATE UNIQUE INDEX schedule_runs_occurrence ON schedule_runs (schedule_id, occurrence_key);
CREATE INDEX schedule_runs_recent ON schedule_runs (tenant_id, schedule_id, created_at DESC);

-- The tenants that have (or had) schedules, so reconciling at start wakes only their scheduler grains.
CREATE TABLE scheduler_tenants
(
    tenant_id  uuid        NOT NULL PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
