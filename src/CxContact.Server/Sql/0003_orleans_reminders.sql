-- Reminders for Microsoft.Orleans.Reminders.AdoNet 10.4.2.
--
-- The contract the provider DLL holds us to (RelationalOrleansQueries):
--   parameters  @ServiceId text, @GrainId text, @ReminderName text, @StartTime (a UTC DateTime; the connection pins TimeZone=UTC so either timestamp type reads right), @Period (int or
--               bigint milliseconds), @GrainHash int (a uint sent as int), @BeginHash int, @EndHash int, @Version int
--   read keys   -> columns GrainId, ReminderName, StartTime, Period (read as Int64), Version
--   UpsertReminderRowKey  -> one row, column Version (the new etag)
--   DeleteReminderRowKey  -> one row, one column, > 0 when a row went
--   ReadRangeRows1Key is used when BeginHash < EndHash (the range (begin, end]); ReadRangeRows2Key when the
--   range wraps around the ring (hash > begin OR hash <= end).
CREATE TABLE orleans_reminders
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(150) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    CONSTRAINT orleans_reminders_pk PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Each silo reads its own slice of the hash ring at start and on membership changes.
CREATE INDEX orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', '
    INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
    VALUES (@ServiceId::text, @GrainId::text, @ReminderName::text, @StartTime::timestamptz,
            @Period::bigint, @GrainHash::int, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
        SET start_time = excluded.start_time, period_ms = excluded.period_ms,
            grain_hash = excluded.grain_hash, version = r.version + 1
    RETURNING r.version AS Version
'),
('ReadReminderRowsKey', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AT TIME ZONE ''UTC'' AS StartTime,
           period_ms AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId::text AND grain_id = @GrainId::text
'),
('ReadReminderRowKey', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AT TIME ZONE ''UTC'' AS StartTime,
           period_ms AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId::text AND grain_id = @GrainId::text AND reminder_name = @ReminderName::text
'),
('ReadRangeRows1Key', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AT TIME ZONE ''UTC'' AS StartTime,
           period_ms AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId::text AND grain_hash > @BeginHash::int AND grain_hash <= @EndHash::int
'),
('ReadRangeRows2Key', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AT TIME ZONE ''UTC'' AS StartTime,
           period_ms AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId::text AND (grain_hash > @BeginHash::int OR grain_hash <= @EndHash::int)
'),
('DeleteReminderRowKey', '
    WITH gone AS (
        DELETE FROM orleans_reminders
        WHERE service_id = @ServiceId::text AND grain_id = @GrainId::text
          AND reminder_name = @ReminderName::text AND version = @Version::int
        RETURNING 1
    )
    SELECT count(*)::int FROM gone
'),
('DeleteReminderRowsKey', '
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId::text
');
