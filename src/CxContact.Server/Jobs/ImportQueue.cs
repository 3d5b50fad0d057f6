using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Jobs;

/// <summary>
/// The queue half of an import job table (list_imports, suppression_imports): idempotent enqueue, claim with FOR
/// UPDATE SKIP LOCKED (so many workers never take the same job, and a running job whose heartbeat stopped is taken
/// back: it runs again from the start, which is safe because nothing reaches the list before the final commit), and
/// reads. The stores add their own progress and outcome columns.
/// </summary>
public abstract class ImportQueue<TJob>(NpgsqlDataSource db, string table, string columns, Func<NpgsqlDataReader, TJob> read) where TJob : class, IImportJob
{
    protected NpgsqlDataSource Db => db;

    /// <summary>The counters a new attempt starts from, as SET assignments ("rows_read = 0, ...").</summary>
    protected abstract string ResetOnClaim { get; }

    /// <summary>Queues an import, or returns the one already queued with the same idempotency key.</summary>
    public async Task<(TJob Job, bool Created)> EnqueueAsync(Guid tenantId, Guid listId, string mode, string specJson, string filePath,
        string? fileName, long fileBytes, string? idempotencyKey, CancellationToken ct, Guid? sftpConnectionId = null, string? remotePath = null)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO {table} (tenant_id, import_id, list_id, mode, spec, file_path, file_name, file_bytes, idempotency_key,
                                 source, sftp_connection_id, remote_path)
            VALUES (@t, @i, @l, @m, @s::jsonb, @p, @f, @b, @k, @src, @conn, @remote)
            ON CONFLICT (tenant_id, list_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING {columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("m", mode);
        cmd.Parameters.AddWithValue("s", specJson);
        cmd.Parameters.AddWithValue("p", filePath);
        cmd.Parameters.AddWithValue("f", NpgsqlDbType.Text, (object?)fileName ?? DBNull.Value);
        cmd.Parameters.AddWithValue("b", fileBytes);
        cmd.Parameters.AddWithValue("k", NpgsqlDbType.Text, (object?)idempotencyKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("src", sftpConnectionId is null ? "upload" : "sftp");
        cmd.Parameters.AddWithValue("conn", NpgsqlDbType.Uuid, (object?)sftpConnectionId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("remote", NpgsqlDbType.Text, (object?)remotePath ?? DBNull.Value);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) return (read(r), true);

        await using var existing = db.CreateCommand($"SELECT {columns} FROM {table} WHERE tenant_id = @t AND list_id = @l AND idempotency_key = @k");
        existing.Parameters.AddWithValue("t", tenantId);
        existing.Parameters.AddWithValue("l", listId);
        existing.Parameters.AddWithValue("k", idempotencyKey!);
        await using var e = await existing.ExecuteReaderAsync(ct);
        await e.ReadAsync(ct);
        return (read(e), false);
    }

    /// <summary>Jobs of one tenant that may run at once unless the tenant has its own (tenant_limits.imports_at_once); the rest wait their turn.</summary>
    public int RunningPerTenant { get; init; } = 2;

    /// <summary>
    /// Takes the next runnable job, one list at a time; null when there is none. Fair across tenants: a tenant with
    /// fewer jobs running goes first, then each tenant's oldest job before anyone's second (so one tenant's 50 queued
    /// imports do not hold another's first one), and no tenant runs more than <see cref="RunningPerTenant"/> at once.
    /// Claims are serialised (an advisory lock for the moment of the claim), so that limit holds across workers.
    /// </summary>
    public async Task<TJob?> ClaimAsync(string worker, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@k))", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("k", "cxc-claim:" + table);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand($"""
            WITH running AS (
                SELECT tenant_id, count(*) AS n FROM {table} WHERE state = 'running' AND heartbeat_at >= now() - @timeout GROUP BY tenant_id
            ), candidates AS (
                SELECT i.import_id, i.created_at, row_number() OVER (PARTITION BY i.tenant_id ORDER BY i.created_at) AS turn,
                       coalesce(r.n, 0) AS tenant_running, coalesce(l.imports_at_once, @per_tenant) AS tenant_may_run
                FROM {table} i LEFT JOIN running r ON r.tenant_id = i.tenant_id
                LEFT JOIN tenant_limits l ON l.tenant_id = i.tenant_id
                WHERE (i.state = 'queued' OR (i.state = 'running' AND i.heartbeat_at < now() - @timeout))
                  AND NOT EXISTS (SELECT 1 FROM {table} o WHERE o.list_id = i.list_id AND o.import_id <> i.import_id
                                  AND o.state = 'running' AND o.heartbeat_at >= now() - @timeout)
            ), next AS (
                SELECT j.import_id FROM {table} j JOIN candidates c ON c.import_id = j.import_id
                WHERE c.tenant_running < c.tenant_may_run
                ORDER BY c.tenant_running, c.turn, c.created_at
                LIMIT 1
                FOR UPDATE OF j SKIP LOCKED
            )
            UPDATE {table} j SET state = 'running', attempts = j.attempts + 1, worker = @w,
                started_at = coalesce(j.started_at, now()), heartbeat_at = now(), {ResetOnClaim}
            FROM next WHERE j.import_id = next.import_id
            RETURNING {string.Join(", ", columns.Split(", ").Select(c => "j." + c))}
            """, conn, tx);
        cmd.Parameters.AddWithValue("timeout", JobLifetime.HeartbeatTimeout);
        cmd.Parameters.AddWithValue("w", worker);
        cmd.Parameters.AddWithValue("per_tenant", RunningPerTenant);
        TJob? job = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) job = read(r);
        await tx.CommitAsync(ct);
        return job;
    }

    /// <summary>Extra SET assignments for a job put back in the queue ("phase = 'queued'"), if the table has such columns.</summary>
    protected virtual string? ResetOnRelease => null;

    /// <summary>
    /// Puts a job that was cut off (PostgreSQL restarted under it, or its silo is stopping) back in the queue at once,
    /// instead of leaving it "running" until its heartbeat is too old: it runs again from the start, here or on another
    /// silo. Its error says why until then. A stop does not count as one of its attempts; a failure does, so that an
    /// import that keeps failing the same way is given up. False when the job was not this worker's to release.
    /// </summary>
    public async Task<bool> ReleaseAsync(Guid tenantId, Guid importId, string worker, string reason, bool countAttempt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            UPDATE {table} SET state = 'queued', heartbeat_at = NULL, error = @why,
                attempts = attempts - CASE WHEN @count THEN 0 ELSE 1 END{(ResetOnRelease is { } r ? ", " + r : "")}
            WHERE tenant_id = @t AND import_id = @i AND state = 'running' AND worker = @w
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("w", worker);
        cmd.Parameters.AddWithValue("why", reason);
        cmd.Parameters.AddWithValue("count", countAttempt);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Records what a pull brought in, so the status shows the file's name and size like an upload's.</summary>
    private async Task SetFileAsync(Guid tenantId, Guid importId, string fileName, long bytes, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"UPDATE {table} SET file_name = @n, file_bytes = @b WHERE tenant_id = @t AND import_id = @i");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("n", fileName);
        cmd.Parameters.AddWithValue("b", bytes);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The pull an SFTP import starts with: the remote file into the job's landing path (retried as SftpRetry says),
    /// its name and size recorded like an upload's. The tenant's landing quota holds as for an upload: a tenant whose
    /// quota is full does not start the pull, and a file that would take it over stops being copied at once (the
    /// partial file is removed). Returns why the file could not be had; the import then fails with it.
    /// </summary>
    public async Task<string?> PullAsync(Sftp.SftpFetcher sftp, LandingQuota quota, Guid tenantId, Guid importId, Guid connectionId, string remotePath,
        string destination, CancellationToken ct)
    {
        var use = await quota.UseAsync(tenantId, ct);
        // A file this job pulled before its silo stopped is replaced by this pull, so it does not count against it.
        if (new FileInfo(destination) is { Exists: true } earlier) use = use with { InUseBytes = Math.Max(0, use.InUseBytes - earlier.Length) };
        var full = LandingQuota.Full(use, remotePath);
        if (use.Full) return "the SFTP pull was not started: " + full;
        try
        {
            var file = await sftp.FetchAsync(tenantId, connectionId, remotePath, destination, ct, new Sftp.SftpFetchRoom(use.Room, full));
            await SetFileAsync(tenantId, importId, file.FileName, file.Size, ct);
            return null;
        }
        catch (Sftp.SftpFetchException e)
        {
            return "the SFTP pull failed: " + e.Message;
        }
    }

    public async Task<TJob?> GetAsync(Guid tenantId, Guid listId, Guid importId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {columns} FROM {table} WHERE tenant_id = @t AND list_id = @l AND import_id = @i");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("i", importId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? read(r) : null;
    }

    /// <summary>A list's recent imports, newest first.</summary>
    public async Task<IReadOnlyList<TJob>> ListAsync(Guid tenantId, Guid listId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {columns} FROM {table} WHERE tenant_id = @t AND list_id = @l ORDER BY created_at DESC LIMIT @n");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("n", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var jobs = new List<TJob>();
        while (await r.ReadAsync(ct)) jobs.Add(read(r));
        return jobs;
    }
}
