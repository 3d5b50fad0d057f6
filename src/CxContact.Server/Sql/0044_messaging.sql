-- The Dial Manager: message templates, the gateways messages leave through, and the outbox.

-- A template renders one message from a contact record (Liquid, with Fluid). Checked when saved: fields known, SMS
-- length in segments, an opt-out text on marketing SMS, a subject and text body for email.
CREATE TABLE message_templates
(
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    template_id uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    channel     text        NOT NULL CHECK (channel IN ('sms', 'email')),
    purpose     text        NOT NULL CHECK (purpose IN ('sales', 'debt-collection', 'informational')),
    subject     text,
    body        text        NOT NULL,
    html        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE UNIQUE INDEX message_templates_name ON message_templates (tenant_id, lower(name)) WHERE deleted_at IS NULL;

-- Where messages leave: an SMTP relay or a Kannel sendsms interface, per tenant. Credentials are sealed like SFTP
-- connections' (kind "messaging-gateway"); the callback secret that Kannel's DLR and inbound URLs carry is kept as a
-- SHA-256 hash, since it only has to be compared.
CREATE TABLE messaging_gateways
(
    tenant_id        uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    gateway_id       uuid        NOT NULL PRIMARY KEY,
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind             text        NOT NULL CHECK (kind IN ('smtp', 'kannel')),
    settings         jsonb       NOT NULL,
    credentials      bytea,
    callback_hash    bytea       NOT NULL,
    has_login        boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE UNIQUE INDEX messaging_gateways_name ON messaging_gateways (tenant_id, lower(name)) WHERE deleted_at IS NULL;

-- One row per message, written before it is handed to the gateway. (campaign, record, attempt) is the campaign
-- step: a second lease of the same record for the same attempt finds this row instead of sending again.
-- state: sending (handed over or about to be; a row left here by a dead silo is resent only when no receipt came),
-- sent (the gateway accepted it: gateway_message_id), delivered, failed (permanent), undeliverable (DLR said so).
CREATE TABLE message_outbox
(
    tenant_id          uuid        NOT NULL,
    message_id         uuid        NOT NULL PRIMARY KEY,
    campaign_id        uuid        NOT NULL,
    record_id          bigint      NOT NULL,
    attempt            integer     NOT NULL,
    contact_id         uuid        NOT NULL,
    channel            text        NOT NULL,
    recipient          text        NOT NULL,
    gateway_id         uuid        NOT NULL,
    template_id        uuid        NOT NULL,
    subject            text,
    body               text        NOT NULL,
    segments           integer,
    state              text        NOT NULL,
    tries              integer     NOT NULL DEFAULT 0,
    error              text,
    gateway_message_id text,
    created_at         timestamptz NOT NULL,
    sent_at            timestamptz,
    final_at           timestamptz,
    UNIQUE (campaign_id, record_id, attempt)
);
CREATE INDEX message_outbox_contact ON message_outbox (contact_id, created_at);
CREATE INDEX message_outbox_campaign_state ON message_outbox (campaign_id, state);

-- Every state a message went through, with what said so (the sender, a DLR, a bounce).
CREATE TABLE message_events
(
    message_id uuid        NOT NULL,
    at         timestamptz NOT NULL,
    state      text        NOT NULL,
    detail     text
);
CREATE INDEX message_events_message ON message_events (message_id, at);

-- Inbound texts: replies, opt-outs, opt-ins and help requests, each with what was done about it (the audit of
-- opt-outs: which list the number went on, or came off).
CREATE TABLE message_inbound
(
    tenant_id   uuid        NOT NULL,
    inbound_id  uuid        NOT NULL PRIMARY KEY,
    gateway_id  uuid        NOT NULL,
    at          timestamptz NOT NULL,
    sender      text        NOT NULL,
    receiver    text,
    text        text        NOT NULL,
    intent      text        NOT NULL,
    campaign_id uuid,
    contact_id  uuid,
    list_id     uuid,
    action      text
);
CREATE INDEX message_inbound_sender ON message_inbound (tenant_id, sender, at);
