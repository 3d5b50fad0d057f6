using CxContact.Server.Lists.Import;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Suppression;

/// <summary>
/// The suppression import queue, run like contact-list imports (<see cref="ImportJobStore"/>): claimed with FOR
/// UPDATE SKIP LOCKED, one running import per list, and a running job whose heartbeat stopped is taken back and run
/// again from the start, which is safe because nothing reaches the list before the final commit.
/// </summary>
public sealed class SuppressionImportStore(NpgsqlDataSource db)
{
    /// <summary>Queues an import, or returns the one already queued with the same idempotency key.</summary>
    public async Task<(SuppressionImportJob Job, bool Created)> EnqueueAsync(Guid tenantId, Guid listId, string mode, string specJson,
        string filePath, string? fileName, long fileBytes, string? idempotencyKey, CancellationToken ct, Guid? sftpConnectionId = null,
        string? remotePath = null)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO suppression_imports (tenant_id, import_id, list_id, mode, spec, file_path, file_name, file_bytes, idempotency_key,
                                             source, sftp_connection_id, remote_path)
            VALUES (@t, @i, @l, @m, @s::jsonb, @p, @f, @b, @k, @src, @conn, @remote)
            ON CONFLICT (tenant_id, list_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING {SuppressionImportJob.Columns}
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
            if (await r.ReadAsync(ct)) return (SuppressionImportJob.Read(r), true);

        await using var existing = db.CreateCommand(
            $"SELECT {SuppressionImportJob.Columns} FROM suppression_imports WHERE tenant_id = @t AND list_id = @l AND idempotency_key = @k");
        existing.Parameters.AddWithValue("t", tenantId);
        existing.Parameters.AddWithValue("l", listId);
        existing.Parameters.AddWithValue("k", idempotencyKey!);
        await using var e = await existing.ExecuteReaderAsync(ct);
        await e.ReadAsync(ct);
        return (SuppressionImportJob.Read(e), false);
    }

    /// <summary>Takes the oldest runnable job, one list at a time; null when there is none.</summary>
    public async Task<SuppressionImportJob?> ClaimAsync(string worker, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            WITH next AS (
                SELECT i.import_id FROM suppression_imports i
                WHERE (i.state = 'queued' OR (i.state = 'running' AND i.heartbeat_at < now() - @timeout))
                  AND NOT EXISTS (SELECT 1 FROM suppression_imports o WHERE o.list_id = i.list_id AND o.import_id <> i.import_id
                                  AND o.state = 'running' AND o.heartbeat_at >= now() - @timeout)
                ORDER BY i.created_at
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            UPDATE suppression_imports j SET state = 'running', attempts = j.attempts + 1, worker = @w,
                started_at = coalesce(j.started_at, now()), heartbeat_at = now(), rows_read = 0, accepted = 0, rejected = 0, entries = 0
            FROM next WHERE j.import_id = next.import_id
            RETURNING {string.Join(", ", SuppressionImportJob.Columns.Split(", ").Select(c => "j." + c))}
            """);
        cmd.Parameters.AddWithValue("timeout", ImportJobStore.HeartbeatTimeout);
        cmd.Parameters.AddWithValue("w", worker);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? SuppressionImportJob.Read(r) : null;
    }

    /// <summary>Records what a pull brought in, so the status shows the file's name and size like an upload's.</summary>
    public async Task SetFileAsync(Guid importId, string fileName, long bytes, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE suppression_imports SET file_name = @n, file_bytes = @b WHERE import_id = @i");
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("n", fileName);
        cmd.Parameters.AddWithValue("b", bytes);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task HeartbeatAsync(Guid importId, SuppressionImportProgress p, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE suppression_imports SET heartbeat_at = now(), rows_read = @read, accepted = @acc, rejected = @rej
            WHERE import_id = @i AND state = 'running'
            """);
        cmd.Parameters.AddWithValue("i", importId);
        cmd.Parameters.AddWithValue("read", p.RowsRead);
        cmd.Parameters.AddWithValue("acc", p.Accepted);
        cmd.Parameters.AddWithValue("rej", p.Rejected);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records the outcome and the rejected rows (replacing those of an earlier, interrupted attempt).</summary>
    public async Task FinishAsync(SuppressionImportJob job, SuppressionImportProgress p, string? error, IReadOnlyList<string> warnings,
        IReadOnlyList<(int Row, string Column, string Reason)> rowErrors, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var del = new NpgsqlCommand("DELETE FROM suppression_import_errors WHERE import_id = @i", conn, tx))
        {
            del.Parameters.AddWithValue("i", job.ImportId);
            await del.ExecuteNonQueryAsync(ct);
        }
        if (rowErrors.Count > 0)
        {
            await using var copy = await conn.BeginBinaryImportAsync(
                "COPY suppression_import_errors (tenant_id, import_id, row_no, column_name, reason) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (row, column, reason) in rowErrors)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(job.TenantId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(job.ImportId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(column, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(reason, NpgsqlDbType.Text, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand("""
            UPDATE suppression_imports SET state = @state, finished_at = now(), heartbeat_at = now(), error = @err,
                rows_read = @read, accepted = @acc, rejected = @rej, entries = @entries, warnings = @warn
            WHERE import_id = @i
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("i", job.ImportId);
            cmd.Parameters.AddWithValue("state", error is null ? "succeeded" : "failed");
            cmd.Parameters.AddWithValue("err", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
            cmd.Parameters.AddWithValue("read", p.RowsRead);
            cmd.Parameters.AddWithValue("acc", error is null ? p.Accepted : 0L);
            cmd.Parameters.AddWithValue("rej", p.Rejected);
            cmd.Parameters.AddWithValue("entries", error is null ? p.Entries : 0L);
            cmd.Parameters.AddWithValue("warn", warnings.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<SuppressionImportJob?> GetAsync(Guid tenantId, Guid listId, Guid importId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"SELECT {SuppressionImportJob.Columns} FROM suppression_imports WHERE tenant_id = @t AND list_id = @l AND import_id = @i");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("i", importId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? SuppressionImportJob.Read(r) : null;
    }

    public async Task<IReadOnlyList<SuppressionImportJob>> ListAsync(Guid tenantId, Guid listId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"SELECT {SuppressionImportJob.Columns} FROM suppression_imports WHERE tenant_id = @t AND list_id = @l ORDER BY created_at DESC LIMIT @n");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("n", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var jobs = new List<SuppressionImportJob>();
        while (await r.ReadAsync(ct)) jobs.Add(SuppressionImportJob.Read(r));
        return jobs;
    }

    /// <summary>The rejected rows in row order, streamed.</summary>
    public async IAsyncEnumerable<(int Row, string Column, string Reason)> ErrorsAsync(Guid tenantId, Guid importId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT row_no, column_name, reason FROM suppression_import_errors WHERE tenant_id = @t AND import_id = @i ORDER BY row_no, column_name");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", importId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) yield return (r.GetInt32(0), r.GetString(1), r.GetString(2));
    }
}
