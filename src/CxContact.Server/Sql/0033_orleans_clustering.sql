-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet 10.4.2. It lives here, not in Redis, so that
-- emptying or losing Redis never takes a silo out of the cluster.
--
-- The contract the provider DLL holds us to (RelationalOrleansQueries, AdoNetClusteringTable):
--   parameters  @DeploymentId text (the cluster id), @Address text (an IP address), @Port int, @Generation int,
--               @SiloName text, @HostName text, @Status int (SiloStatus: 3 Active, 6 Dead), @ProxyPort int,
--               @StartTime and @IAmAliveTime (UTC DateTimes bound as DbType.DateTime; the connection pins
--               TimeZone=UTC so either timestamp type reads right), @SuspectTimes text|null ("silo,date|silo,date"),
--               @Version int (the table version the caller read; every row's etag is that same version)
--   MembershipReadAllKey, MembershipReadRowKey
--               -> the cluster's version row joined to its silos (all of them, or the one addressed): columns
--                  Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime,
--                  IAmAliveTime, Version. At least one row always: a NULL StartTime means "no silo", and no row
--                  at all makes the provider fail. Read in one statement, so silos and version agree.
--   InsertMembershipVersionKey -> one row, one column, non-zero when this call created the version row
--   InsertMembershipKey, UpdateMembershipKey
--               -> one row, one column: 1 when the silo row was written and the version moved on by one; 0, with
--                  nothing changed, when @Version is not the current version (another silo wrote first), when
--                  the silo is already there (insert) or not there (update). Orleans re-reads and retries on 0.
--   UpdateIAmAlivetimeKey      -> executed; a heartbeat is not a membership change, so the version stays
--   DeleteMembershipTableEntriesKey -> executed; the cluster's version row and silos go
--   GatewaysQueryKey           -> @DeploymentId, @Status (Active) -> columns Address, ProxyPort, Generation
--   CleanupDefunctSiloEntriesKey    -> executed with @IAmAliveTime = the cutoff: silos that are not Active and
--                                      have given no sign of life since the cutoff go. Required by the DLL, but
--                                      only used when the next key is missing.
--   CleanupDefunctSiloEntryKey (optional, preferred by 10.4.2) -> executed once per Dead silo the provider read
--               with StartTime, IAmAliveTime and SuspectTimes as read: the row goes only if it still holds
--               exactly those values, so a row that changed after the read is left for the next round.
--
-- Our shape: one version row per cluster, which every insert and update locks and moves on, so concurrent
-- writers are serialised there and a stale writer finds the version changed; one row per silo incarnation
-- (address, port, generation), deleted with its cluster's version row.
CREATE TABLE orleans_membership_version
(
    cluster_id text        NOT NULL,
    version    integer     NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (cluster_id)
);

CREATE TABLE orleans_membership
(
    cluster_id      text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    -- The provider reads it as a non-null int; 0 means "no gateway".
    proxy_port      integer     NOT NULL DEFAULT 0,
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT orleans_membership_pk PRIMARY KEY (cluster_id, address, port, generation),
    CONSTRAINT orleans_membership_cluster FOREIGN KEY (cluster_id)
        REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('MembershipReadAllKey', '
    SELECT m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
           m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
           m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime, v.version AS Version
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m ON m.cluster_id = v.cluster_id
    WHERE v.cluster_id = @DeploymentId::text
'),
('MembershipReadRowKey', '
    SELECT m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
           m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
           m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime, v.version AS Version
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m
           ON m.cluster_id = v.cluster_id AND m.address = @Address::text
          AND m.port = @Port::int AND m.generation = @Generation::int
    WHERE v.cluster_id = @DeploymentId::text
'),
('InsertMembershipVersionKey', '
    WITH created AS (
        INSERT INTO orleans_membership_version (cluster_id, version) VALUES (@DeploymentId::text, 0)
        ON CONFLICT (cluster_id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::int FROM created
'),
-- The version row is moved on only when the silo is not there yet; the silo row is written only when the version
-- moved. A writer that waited on the version row re-checks the version after the other commits, and fails.
('InsertMembershipKey', '
    WITH moved AS (
        UPDATE orleans_membership_version v
        SET version = v.version + 1, changed_at = now()
        WHERE v.cluster_id = @DeploymentId::text
          AND v.version = @Version::int
          AND NOT EXISTS (SELECT 1 FROM orleans_membership m
                          WHERE m.cluster_id = @DeploymentId::text AND m.address = @Address::text
                            AND m.port = @Port::int AND m.generation = @Generation::int)
        RETURNING v.cluster_id
    ), inserted AS (
        INSERT INTO orleans_membership
            (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
        SELECT moved.cluster_id, @Address::text, @Port::int, @Generation::int, coalesce(@SiloName::text, ''''),
               coalesce(@HostName::text, ''''), @Status::int, coalesce(@ProxyPort::int, 0),
               @StartTime::timestamptz, @IAmAliveTime::timestamptz
        FROM moved
        RETURNING 1
    )
    SELECT count(*)::int FROM inserted
'),
('UpdateMembershipKey', '
    WITH moved AS (
        UPDATE orleans_membership_version v
        SET version = v.version + 1, changed_at = now()
        WHERE v.cluster_id = @DeploymentId::text
          AND v.version = @Version::int
          AND EXISTS (SELECT 1 FROM orleans_membership m
                      WHERE m.cluster_id = @DeploymentId::text AND m.address = @Address::text
                        AND m.port = @Port::int AND m.generation = @Generation::int)
        RETURNING v.cluster_id
    ), updated AS (
        UPDATE orleans_membership m
        SET status = @Status::int, suspect_times = @SuspectTimes::text, i_am_alive_time = @IAmAliveTime::timestamptz
        FROM moved
        WHERE m.cluster_id = moved.cluster_id AND m.address = @Address::text
          AND m.port = @Port::int AND m.generation = @Generation::int
        RETURNING 1
    )
    SELECT count(*)::int FROM updated
'),
('UpdateIAmAlivetimeKey', '
    UPDATE orleans_membership
    SET i_am_alive_time = @IAmAliveTime::timestamptz
    WHERE cluster_id = @DeploymentId::text AND address = @Address::text
      AND port = @Port::int AND generation = @Generation::int
'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM orleans_membership_version WHERE cluster_id = @DeploymentId::text
'),
('GatewaysQueryKey', '
    SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
    FROM orleans_membership
    WHERE cluster_id = @DeploymentId::text AND status = @Status::int AND proxy_port > 0
'),
-- The runtime's own test for "defunct": not Active, and neither started nor alive since the cutoff.
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM orleans_membership
    WHERE cluster_id = @DeploymentId::text
      AND status <> 3
      AND greatest(start_time, i_am_alive_time) < @IAmAliveTime::timestamptz
'),
-- An empty suspect list is stored as '' but read back as no list (NULL): both mean "no votes".
('CleanupDefunctSiloEntryKey', '
    DELETE FROM orleans_membership
    WHERE cluster_id = @DeploymentId::text AND address = @Address::text
      AND port = @Port::int AND generation = @Generation::int
      AND status = 6
      AND start_time = @StartTime::timestamptz
      AND i_am_alive_time = @IAmAliveTime::timestamptz
      AND coalesce(suspect_times, '''') = coalesce(@SuspectTimes::text, '''')
');
