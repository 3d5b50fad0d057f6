-- Grain state for Microsoft.Orleans.Persistence.AdoNet 10.4.2.
--
-- The contract the provider DLL holds us to (AdoNetGrainStorage):
--   parameters  @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainTypeHash int, @GrainTypeString text,
--               @GrainIdExtensionString text|null, @ServiceId text, @GrainStateVersion int|null, @PayloadBinary bytea
--   ReadFromStorageKey  -> columns PayloadBinary, Version (no row = never written)
--   WriteToStorageKey   -> one row, column NewGrainStateVersion; returning the version that was passed in
--                          (or NULL when NULL was passed) tells Orleans the write lost an optimistic race
--   ClearStorageKey     -> one row, the new version; no row = version conflict
--   DeleteStorageKey    -> one row, the deleted version + 1; no row = version conflict. The 10.4.2 provider
--                          refuses to start when this key is missing.
--
-- Our shape: one row per grain, identified by the full grain id (service, type, n0, n1, extension) with a
-- unique index, so an insert race is settled by the index instead of by locking. The two hashes are kept
-- because the provider sends them and they make a compact lookup key.
CREATE TABLE orleans_grain_state
(
    service_id       varchar(150) NOT NULL,
    grain_type_hash  integer      NOT NULL,
    grain_id_hash    integer      NOT NULL,
    grain_type       varchar(512) NOT NULL,
    grain_id_n0      bigint       NOT NULL,
    grain_id_n1      bigint       NOT NULL,
    -- '' stands for "no string extension": a NULL would escape the unique index.
    grain_id_ext     varchar(512) NOT NULL DEFAULT '',
    payload          bytea,
    version          integer      NOT NULL,
    modified_at      timestamptz  NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX orleans_grain_state_identity
    ON orleans_grain_state (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_ext);

-- Parameters are cast explicitly: a NULL sent without a type (first write, no extension) must still resolve.
INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', '
    SELECT s.payload AS PayloadBinary, s.version AS Version
    FROM orleans_grain_state s
    WHERE s.grain_id_hash = @GrainIdHash::int
      AND s.grain_type_hash = @GrainTypeHash::int
      AND s.service_id = @ServiceId::text
      AND s.grain_id_n0 = @GrainIdN0::bigint
      AND s.grain_id_n1 = @GrainIdN1::bigint
      AND s.grain_type = @GrainTypeString::text
      AND s.grain_id_ext = coalesce(@GrainIdExtensionString::text, '''')
'),
('WriteToStorageKey', '
    WITH updated AS (
        UPDATE orleans_grain_state s
        SET payload = @PayloadBinary::bytea, version = s.version + 1, modified_at = now()
        WHERE @GrainStateVersion::int IS NOT NULL
          AND s.grain_id_hash = @GrainIdHash::int
          AND s.grain_type_hash = @GrainTypeHash::int
          AND s.service_id = @ServiceId::text
          AND s.grain_id_n0 = @GrainIdN0::bigint
          AND s.grain_id_n1 = @GrainIdN1::bigint
          AND s.grain_type = @GrainTypeString::text
          AND s.grain_id_ext = coalesce(@GrainIdExtensionString::text, '''')
          AND s.version = @GrainStateVersion::int
        RETURNING s.version
    ), inserted AS (
        INSERT INTO orleans_grain_state
            (service_id, grain_type_hash, grain_id_hash, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, payload, version)
        SELECT @ServiceId::text, @GrainTypeHash::int, @GrainIdHash::int, @GrainTypeString::text, @GrainIdN0::bigint,
               @GrainIdN1::bigint, coalesce(@GrainIdExtensionString::text, ''''), @PayloadBinary::bytea, 1
        WHERE @GrainStateVersion::int IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version
    )
    SELECT coalesce((SELECT version FROM updated), (SELECT version FROM inserted), @GrainStateVersion::int)
           AS NewGrainStateVersion
'),
('ClearStorageKey', '
    UPDATE orleans_grain_state s
    SET payload = NULL, version = s.version + 1, modified_at = now()
    WHERE s.grain_id_hash = @GrainIdHash::int
      AND s.grain_type_hash = @GrainTypeHash::int
      AND s.service_id = @ServiceId::text
      AND s.grain_id_n0 = @GrainIdN0::bigint
      AND s.grain_id_n1 = @GrainIdN1::bigint
      AND s.grain_type = @GrainTypeString::text
      AND s.grain_id_ext = coalesce(@GrainIdExtensionString::text, '''')
      AND s.version = @GrainStateVersion::int
    RETURNING s.version AS NewGrainStateVersion
'),
('DeleteStorageKey', '
    DELETE FROM orleans_grain_state s
    WHERE s.grain_id_hash = @GrainIdHash::int
      AND s.grain_type_hash = @GrainTypeHash::int
      AND s.service_id = @ServiceId::text
      AND s.grain_id_n0 = @GrainIdN0::bigint
      AND s.grain_id_n1 = @GrainIdN1::bigint
      AND s.grain_type = @GrainTypeString::text
      AND s.grain_id_ext = coalesce(@GrainIdExtensionString::text, '''')
      AND s.version = @GrainStateVersion::int
    RETURNING s.version + 1 AS NewGrainStateVersion
');
