-- Sign-in for people (OpenID Connect). Each tenant maps the identity provider's groups to its own roles; a person's
-- groups are looked up across tenants at sign-in, so the mapping is a table indexed by group, not grain state.
CREATE TABLE tenant_group_roles
(
    tenant_id  uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    group_name text        NOT NULL CHECK (length(group_name) BETWEEN 1 AND 256),
    role       text        NOT NULL CHECK (role IN ('system-admin', 'admin', 'supervisor', 'viewer', 'dialer')),
    PRIMARY KEY (tenant_id, group_name),
    -- As with keys: system-admin is the system tenant's role, and the only one it hands out.
    CONSTRAINT tenant_group_roles_system_role CHECK ((role = 'system-admin') = (tenant_id = '00000000-0000-0000-0000-000000000000'))
);

CREATE INDEX tenant_group_roles_group ON tenant_group_roles (group_name);

-- The people who signed in to a tenant. person_id stands where a key id stands for machines (audit_log.actor_key_id),
-- so the audit trail names the person; one row per tenant, so a person's rows never cross tenants.
CREATE TABLE tenant_people
(
    tenant_id       uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    person_id       uuid        NOT NULL PRIMARY KEY,
    issuer          text        NOT NULL,
    subject         text        NOT NULL,
    name            text,
    email           text,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, issuer, subject)
);

-- Each sign-in is a session row: signing out ends it here, so a copy of the cookie taken before stops working too.
CREATE TABLE person_sessions
(
    tenant_id  uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    session_id uuid        NOT NULL PRIMARY KEY,
    person_id  uuid        NOT NULL REFERENCES tenant_people (person_id) ON DELETE CASCADE,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz
);

CREATE INDEX person_sessions_person ON person_sessions (tenant_id, person_id, started_at DESC);

-- ASP.NET Core data protection keys (session cookies, antiforgery tokens, sign-in state), shared by every silo and kept
-- across restarts. Each key's XML is sealed with the platform's secrets key before it is written.
CREATE TABLE data_protection_keys
(
    name       text        NOT NULL PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
