-- Suppression lists. Configuration is SuppressionListGrain state; this table is the registry that listing and
-- "which lists apply to campaign X" need, so the scope is kept here too.
CREATE TABLE suppression_lists
(
    tenant_id    uuid        NOT NULL REFERENCES tenants (tenant_id),
    list_id      uuid        NOT NULL PRIMARY KEY,
    name         text        NOT NULL,
    scope        text        NOT NULL DEFAULT 'tenant' CHECK (scope IN ('tenant', 'campaigns')),
    campaign_ids uuid[]      NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);
CREATE INDEX suppression_lists_tenant ON suppression_lists (tenant_id, created_at) WHERE deleted_at IS NULL;

-- The truth the Redis index is built from. One partition per list (FOR VALUES IN (list_id)), so deleting a list of
-- a national registry's size is a DROP, not hundreds of millions of row deletes. Values are normalised (E.164,
-- lower-cased email, trimmed client id), which is what makes (list, type, value) unique.
CREATE TABLE suppression_entries
(
    tenant_id  uuid        NOT NULL,
    list_id    uuid        NOT NULL,
    type       text        NOT NULL CHECK (type IN ('phone', 'email', 'clientId')),
    value      text        NOT NULL,
    starts_at  timestamptz,
    expires_at timestamptz,
    source     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (list_id, type, value)
) PARTITION BY LIST (list_id);
CREATE INDEX suppression_entries_expiry ON suppression_entries (list_id, expires_at) WHERE expires_at IS NOT NULL;
