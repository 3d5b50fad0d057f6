-- Tenants, their API keys, and the audit trail. Every row carries a tenant id; the system tenant
-- (all zeros) owns the platform operators' keys, so even those rows have one.
CREATE TABLE tenants
(
    tenant_id  uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status     text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Names are how people tell tenants apart, so two tenants may not share one, whatever the case.
CREATE UNIQUE INDEX tenants_name_unique ON tenants (lower(name));

INSERT INTO tenants (tenant_id, name) VALUES ('00000000-0000-0000-0000-000000000000', 'system');

CREATE TABLE api_keys
(
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    key_id      uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        text        NOT NULL CHECK (role IN ('system-admin', 'admin', 'supervisor', 'viewer', 'dialer')),
    -- SHA-256 of the whole key; the key itself is shown once and never stored.
    key_hash    bytea       NOT NULL UNIQUE,
    key_hint    text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  uuid,
    revoked_at  timestamptz,
    last_used_at timestamptz,
    -- system-admin keys exist only in the system tenant, and only system-admin keys live there.
    CONSTRAINT api_keys_system_role CHECK ((role = 'system-admin') = (tenant_id = '00000000-0000-0000-0000-000000000000'))
);

CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE audit_log
(
    tenant_id    uuid        NOT NULL,
    audit_id     uuid        NOT NULL PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_key_id uuid,
    action       text        NOT NULL,
    target       text,
    detail       jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC);
