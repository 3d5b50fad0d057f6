-- Attempt history (the truth; Redis holds the rolling-window counters the hot path reads) and the audit trail of
-- every compliance decision, written in batches off the hot path.
CREATE TABLE call_attempts
(
    tenant_id    uuid        NOT NULL,
    attempt_id   uuid        NOT NULL PRIMARY KEY,
    at           timestamptz NOT NULL,
    phone        text,
    contact_id   text,
    client_id    text,
    campaign_id  text,
    result       text,
    source       text        NOT NULL,
    detail       jsonb
);
CREATE INDEX call_attempts_phone ON call_attempts (tenant_id, phone, at DESC);
CREATE INDEX call_attempts_client ON call_attempts (tenant_id, client_id, at DESC) WHERE client_id IS NOT NULL;

CREATE TABLE compliance_decisions
(
    tenant_id    uuid        NOT NULL,
    decision_id  uuid        NOT NULL,
    at           timestamptz NOT NULL,
    decided_at   timestamptz NOT NULL,
    subject      text        NOT NULL,
    allowed      boolean     NOT NULL,
    rules        text[]      NOT NULL,
    rule_set     text        NOT NULL,
    input        jsonb       NOT NULL,
    decision     jsonb       NOT NULL
);
CREATE INDEX compliance_decisions_tenant ON compliance_decisions (tenant_id, decided_at DESC);
CREATE INDEX compliance_decisions_subject ON compliance_decisions (tenant_id, subject, decided_at DESC);
