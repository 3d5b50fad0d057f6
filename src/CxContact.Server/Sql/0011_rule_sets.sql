-- Tenants' rule sets: overrides of the shipped defaults (same rule id replaces, a new id adds). Every save is a new
-- version; decisions name the version they used, so an old decision can always be explained with its rules.
CREATE TABLE rule_sets
(
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id),
    rule_set_id text        NOT NULL CHECK (rule_set_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    version     integer     NOT NULL,
    overrides   jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  uuid,
    PRIMARY KEY (tenant_id, rule_set_id, version)
);
