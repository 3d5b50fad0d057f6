-- The registry knows each campaign's channel, so the Dial Manager's senders find the running SMS and email campaigns
-- with one query instead of asking every running campaign's grain several times a second.
ALTER TABLE campaigns ADD COLUMN channel text NOT NULL DEFAULT 'voice';
CREATE INDEX campaigns_running_messaging ON campaigns (campaign_id) WHERE state = 'running' AND channel <> 'voice' AND deleted_at IS NULL;
