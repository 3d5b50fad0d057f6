-- One row per preload of a campaign, so that /api/v1/jobs lists preloads with the other jobs. The campaign grain
-- keeps the last summary in its state; this is the history. A row left running by a silo that died is closed as
-- interrupted when the campaign's next preload starts.
CREATE TABLE campaign_preloads
(
    tenant_id   uuid        NOT NULL,
    preload_id  uuid        NOT NULL PRIMARY KEY,
    campaign_id uuid        NOT NULL,
    state       text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'succeeded', 'failed')),
    incremental boolean,
    rows_total  bigint      NOT NULL DEFAULT 0,
    callable    bigint      NOT NULL DEFAULT 0,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX campaign_preloads_recent ON campaign_preloads (tenant_id, created_at DESC);
CREATE INDEX campaign_preloads_running ON campaign_preloads (campaign_id) WHERE state = 'running';
