-- An attempt reported more than 5 minutes after it was made is counted at its arrival (call_attempts.at), so that a
-- backdated report can never slide out of a rolling window and lower a count; the time the dialer gave is kept here.
ALTER TABLE call_attempts ADD COLUMN reported_at timestamptz;
