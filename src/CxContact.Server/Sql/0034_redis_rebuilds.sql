-- Redis is a cache of PostgreSQL (suppression indexes, attempt windows). When a write reached PostgreSQL but not
-- Redis, or a rule set now counts further back than Redis keeps, Redis must be rebuilt. The request is kept here, in
-- the truth, because Redis may be what failed; every silo's watcher reads it, and the compliance rebuild clears the
-- requests made before it started. One row per Redis key prefix (one deployment).
CREATE TABLE redis_rebuild_requests
(
    redis_prefix text        NOT NULL PRIMARY KEY,
    requested_at timestamptz NOT NULL,
    reason       text        NOT NULL
);

-- The rebuild reads the attempts of the last days (the longest window a rule counts over) across all tenants.
CREATE INDEX call_attempts_at ON call_attempts (at);

-- How far back Redis keeps attempts: the longest window a saved rule set counts over (the shipped defaults are
-- known to the code). Every silo's watcher reads it each second, so writers trim no attempt a new rule still counts.
CREATE TABLE attempt_horizon
(
    singleton boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (singleton),
    seconds   bigint  NOT NULL
);
