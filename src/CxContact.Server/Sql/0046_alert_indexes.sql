-- /api/v1/alerts asks, per tenant, which gateways have messages waiting because they did not answer: only those rows
-- are indexed, so the question stays cheap however long the outbox grows.
CREATE INDEX IF NOT EXISTS message_outbox_waiting ON message_outbox (tenant_id, gateway_id) WHERE state = 'queued' AND error IS NOT NULL;
