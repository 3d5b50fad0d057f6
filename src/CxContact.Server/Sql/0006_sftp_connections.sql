-- Platform-wide secrets, owned by the system tenant. Holds the generated master key that seals stored credentials
-- when CXC_SECRETS_KEY is not set, so every silo of a deployment uses the same one. A key kept next to the data
-- it protects only guards against leaked column dumps and logs; production sets CXC_SECRETS_KEY instead.
CREATE TABLE platform_secrets
(
    tenant_id  uuid        NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000' REFERENCES tenants (tenant_id),
    name       text        NOT NULL,
    value      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- SFTP servers a tenant pulls contact files from. The host key is pinned (SHA256 fingerprint, as ssh-keygen -l
-- prints it). Credentials are one AES-GCM sealed blob bound to this row (tenant and connection id as associated
-- data), never stored or returned in clear; the has_* flags let the API say what is set without opening it.
CREATE TABLE sftp_connections
(
    tenant_id            uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    connection_id        uuid        NOT NULL PRIMARY KEY,
    name                 text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    host                 text        NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
    port                 integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    username             text        NOT NULL CHECK (length(username) BETWEEN 1 AND 200),
    host_key_fingerprint text        NOT NULL CHECK (host_key_fingerprint LIKE 'SHA256:%'),
    base_path            text,
    credentials          bytea       NOT NULL,
    has_password         boolean     NOT NULL,
    has_private_key      boolean     NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sftp_connections_one_credential CHECK (has_password <> has_private_key)
);

-- People pick a connection by name, so a tenant may not have two with the same one, whatever the case.
CREATE UNIQUE INDEX sftp_connections_name ON sftp_connections (tenant_id, lower(name));
