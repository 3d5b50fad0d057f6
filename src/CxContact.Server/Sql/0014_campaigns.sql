-- Campaign groups. Configuration and state are CampaignGrain state; this table is the registry that listing,
-- name uniqueness and "which campaigns use list X" need.
CREATE TABLE campaigns
(
    tenant_id    uuid        NOT NULL REFERENCES tenants (tenant_id),
    campaign_id  uuid        NOT NULL PRIMARY KEY,
    name         text        NOT NULL,
    state        text        NOT NULL DEFAULT 'draft',
    list_ids     uuid[]      NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);
CREATE UNIQUE INDEX campaigns_tenant_name ON campaigns (tenant_id, lower(name)) WHERE deleted_at IS NULL;

CREATE SEQUENCE calling_list_record_ids CACHE 1000;
CREATE SEQUENCE calling_list_chain_ids CACHE 1000;

-- The Outbound DB calling list, one partition per campaign. The first columns are the Genesys calling-list columns,
-- with their enumerations (record_status 1 ready, 2 retrieved, 3 updated, 5 cancelled, 7 chain updated; call_result
-- 28 unknown, 33 answer, 6 busy, ...), so an OCS-style dialer can read it; times are seconds since the epoch (UTC)
-- and daily_from/daily_till seconds since local midnight in tz_dbid (we keep the IANA name there, not a DBID).
-- One chain per contact, one row per device, chain_n = the device's position in the campaign's device order.
-- A record that was left out keeps its reason: record_status 5 with reason set.
CREATE TABLE calling_list
(
    tenant_id          uuid        NOT NULL,
    campaign_id        uuid        NOT NULL,
    record_id          bigint      NOT NULL,
    contact_info       text        NOT NULL,
    contact_info_type  smallint    NOT NULL,
    record_type        smallint    NOT NULL DEFAULT 2,
    record_status      smallint    NOT NULL DEFAULT 1,
    call_result        smallint    NOT NULL DEFAULT 28,
    attempt            integer     NOT NULL DEFAULT 0,
    dial_sched_time    bigint,
    call_time          bigint,
    daily_from         integer,
    daily_till         integer,
    tz_dbid            text,
    chain_id           bigint      NOT NULL,
    chain_n            smallint    NOT NULL,
    agent_id           text,
    group_id           integer,
    app_id             integer,
    treatments         text,
    -- ours
    contact_id         uuid        NOT NULL,
    list_id            uuid        NOT NULL,
    client_id          text,
    country            text,
    region             text,
    zones              text,
    device_type        smallint    NOT NULL DEFAULT 0,
    autodial_consent   boolean,
    dial_order         double precision NOT NULL,
    reason             text,
    retries            integer     NOT NULL DEFAULT 0,
    result             text,
    lease_id           uuid,
    leased_until       timestamptz,
    PRIMARY KEY (campaign_id, record_id)
) PARTITION BY LIST (campaign_id);
-- Queries name the campaign's partition, so its indexes need no campaign_id.
-- What leasing scans: pending records, due ones first (retries and callbacks at their time), then in dial order.
CREATE INDEX calling_list_pending ON calling_list ((coalesce(dial_sched_time, 0)), dial_order, chain_n) WHERE record_status IN (1, 2);
-- Chains: "is an earlier device of this contact still pending", and everything about one contact.
CREATE INDEX calling_list_chain ON calling_list (chain_id, chain_n);
CREATE INDEX calling_list_contact ON calling_list (contact_id);

-- A lease: records handed to a dialer until expires_at. Its id is what results must carry.
CREATE TABLE campaign_leases
(
    tenant_id    uuid        NOT NULL,
    lease_id     uuid        NOT NULL PRIMARY KEY,
    campaign_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    records      integer     NOT NULL
);
CREATE INDEX campaign_leases_campaign ON campaign_leases (campaign_id, created_at);

-- One row per (lease, record) result: makes results idempotent, and is what stats and abandonment rates count.
CREATE TABLE campaign_results
(
    tenant_id    uuid        NOT NULL,
    campaign_id  uuid        NOT NULL,
    lease_id     uuid        NOT NULL,
    record_id    bigint      NOT NULL,
    result       text        NOT NULL,
    connected    boolean     NOT NULL,
    disposition  text,
    at           timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    outcome      text        NOT NULL,
    PRIMARY KEY (lease_id, record_id)
);
CREATE INDEX campaign_results_campaign_at ON campaign_results (campaign_id, at);

-- A contact being dialed by some campaign: two campaigns sharing a list never dial one contact at once. A row
-- whose until has passed is free for the taking.
CREATE TABLE contact_dial_locks
(
    tenant_id    uuid        NOT NULL,
    contact_id   uuid        NOT NULL PRIMARY KEY,
    campaign_id  uuid        NOT NULL,
    lease_id     uuid        NOT NULL,
    until        timestamptz NOT NULL
);
