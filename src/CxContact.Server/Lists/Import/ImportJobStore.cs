using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// The import queue in list_imports. Claiming uses FOR UPDATE SKIP LOCKED so many workers never take the same job,
/// and takes back a running job whose heartbeat stopped (its silo died): it runs again from the start, which is
/// safe because nothing reaches the list before the final commit.
/// </summary>
public sealed class ImportJobStore(NpgsqlDataSource db)
{
    /// <summary>A running job without a heartbeat for this long is taken to be orphaned.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How many times a job may be started before it is failed for good.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Queues an import, or returns the one already queued with the same idempotency key.</summary>
    public async Task<(ImportJob Job, bool Created)> EnqueueAsync(Guid tenantId, Guid listId, string mode, string specJson, string filePath,
        string? fileName, long fileBytes, string? idempotencyKey, CancellationToken ct, Guid? sftpConnectionId = null, string? remotePath = null)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO list_imports (tenant_id, import_id, list_id, mode, spec, file_path, file_name, file_bytes, idempotency_key,
                                      source, sftp_connection_id, remote_path)
            VALUES (@t, @i, @l, @m, @s::jsonb, @p, @f, @b, @k, @src, @conn, @remote)
            ON CONFLICT (tenant_id, list_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING {ImportJob.Columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("m", mode);
        cmd.Parameters.AddWithValue("s", specJson);
        cmd.Parameters.AddWithValue("p", filePath);
        cmd.Parameters.AddWithValue("f", (object?)fileName ?? DBNull.Value);
        cmd.Parameters.AddWithValue("b", fileBytes);
        cmd.Parameters.AddWithValue("k", NpgsqlDbType.Text, (object?)idempotencyKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("src", sftpConnectionId is null ? "upload" : "sftp");
        cmd.Parameters.AddWithValue("conn", NpgsqlDbType.Uuid, (object?)sftpConnectionId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("remote", NpgsqlDbType.Text, (object?)remotePath ?? DBNull.Value);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) return (ImportJob.Read(r), true);

        await using var existing = db.CreateCommand($"SELECT {ImportJob.Columns} FROM list_imports WHERE tenant_id = @t AND list_id = @l AND idempotency_key = @k");
        existing.Parameters.AddWithValue("t", tenantId);
        existing.Parameters.AddWithValue("l", listId);
        existing.Parameters.AddWithValue("k", idempotencyKey!);
        await using var e = await existing.ExecuteReaderAsync(ct);
        await e.ReadAsync(ct);
        return (ImportJob.Read(e), false);
    }

    /// <summary>Takes the oldest runnable job, one list at a time; null when there is none.</summary>
    public async Task<ImportJob?> ClaimAsync(string worker, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            WITH next AS (
                SELECT i.import_id FROM list_imports i
                WHERE (i.state = 'queued' OR (i.state = 'running' AND i.heartbeat_at < now() - @timeout))
                  AND NOT EXISTS (SELECT 1 FROM list_imports o WHERE o.list_id = i.list_id AND o.import_id <> i.import_id
                                  AND o.state = 'running' AND o.heartbeat_at >= now() - @timeout)
                ORDER BY i.created_at
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            UPDATE list_imports j SET state = 'running', phase = 'starting', attempts = j.attempts + 1, worker = @w,
                started_at = coalesce(j.started_at, now()), heartbeat_at = now(),
                rows_read = 0, accepted = 0, rejected = 0, excluded = 0, merged = 0, bytes_read = 0
            FROM next WHERE j.import_id = next.import_id
            RETURNING {string.Join(", ", ImportJob.Columns.Split(", ").Select(c => "j." + c))}
            """);
        cmd.Parameters.AddWithValue("timeout", HeartbeatTimeout);
        cmd.Parameters.AddWithValue("w", worker);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ImportJob.Read(r) : null;
    }

    /// <summary>Records what a pull brought in, so the status shows the file's name and size like an upload's.</summary>
    public async Task SetFileAsync(Guid importId, string fileName, long bytes, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE list_imports SET file_name = @n, file_bytes = @b WHERE import_id = @i");
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("n", fileName);
        cmd.Parameters.AddWithValue("b", bytes);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task HeartbeatAsync(Guid importId, ImportProgress p, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE list_imports SET heartbeat_at = now(), phase = @phase, rows_read = @read, accepted = @acc, rejected = @rej,
                excluded = @exc, merged = @mer, bytes_read = @bytes
            WHERE import_id = @i AND state = 'running'
            """);
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("phase", p.Phase);
        cmd.Parameters.AddWithValue("read", p.RowsRead);
        cmd.Parameters.AddWithValue("acc", p.Accepted);
        cmd.Parameters.AddWithValue("rej", p.Rejected);
        cmd.Parameters.AddWithValue("exc", p.Excluded);
        cmd.Parameters.AddWithValue("mer", p.Merged);
        cmd.Parameters.AddWithValue("bytes", p.BytesRead);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<ImportJob> FinishAsync(Guid importId, ImportProgress p, string? error, IReadOnlyList<string> warnings, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            UPDATE list_imports SET state = @state, phase = @state, finished_at = now(), heartbeat_at = now(), error = @err,
                rows_read = @read, accepted = @acc, rejected = @rej, excluded = @exc, merged = @mer, bytes_read = @bytes, warnings = @warn
            WHERE import_id = @i
            RETURNING {ImportJob.Columns}
            """);
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("state", error is null ? "succeeded" : "failed");
        cmd.Parameters.AddWithValue("err", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("read", p.RowsRead);
        cmd.Parameters.AddWithValue("acc", error is null ? p.Accepted : 0L);
        cmd.Parameters.AddWithValue("rej", p.Rejected);
        cmd.Parameters.AddWithValue("exc", p.Excluded);
        cmd.Parameters.AddWithValue("mer", error is null ? p.Merged : 0L);
        cmd.Parameters.AddWithValue("bytes", p.BytesRead);
        cmd.Parameters.AddWithValue("warn", warnings.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return ImportJob.Read(r);
    }

    public async Task<ImportJob?> GetAsync(Guid tenantId, Guid listId, Guid importId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {ImportJob.Columns} FROM list_imports WHERE tenant_id = @t AND list_id = @l AND import_id = @i");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("i", importId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ImportJob.Read(r) : null;
    }

    public async Task<IReadOnlyList<ImportJob>> ListAsync(Guid tenantId, Guid listId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {ImportJob.Columns} FROM list_imports WHERE tenant_id = @t AND list_id = @l ORDER BY created_at DESC LIMIT @n");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("n", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var jobs = new List<ImportJob>();
        while (await r.ReadAsync(ct)) jobs.Add(ImportJob.Read(r));
        return jobs;
    }

    /// <summary>Fails a job that may not run again (too many attempts), keeping what it had counted.</summary>
    public async Task<ImportJob> GiveUpAsync(ImportJob job, string reason, CancellationToken ct) =>
        await FinishAsync(job.ImportId, new ImportProgress(), reason, job.Warnings, ct);
}
