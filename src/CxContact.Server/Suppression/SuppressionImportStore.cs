using CxContact.Server.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Suppression;

/// <summary>
/// The suppression import jobs in suppression_imports: the same queue as contact-list imports
/// (<see cref="ImportQueue{TJob}"/>), with their own progress, outcome and rejected rows.
/// </summary>
public sealed class SuppressionImportStore(NpgsqlDataSource db)
    : ImportQueue<SuppressionImportJob>(db, "suppression_imports", SuppressionImportJob.Columns, SuppressionImportJob.Read)
{
    protected override string ResetOnClaim => "rows_read = 0, accepted = 0, rejected = 0, entries = 0, added = 0, removed = 0, kept = 0, not_on_list = 0";

    public async Task HeartbeatAsync(Guid tenantId, Guid importId, SuppressionImportProgress p, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("""
            UPDATE suppression_imports SET heartbeat_at = now(), rows_read = @read, accepted = @acc, rejected = @rej
            WHERE tenant_id = @t AND import_id = @i AND state = 'running'
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
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
        await using var conn = await Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var del = new NpgsqlCommand("DELETE FROM suppression_import_errors WHERE tenant_id = @t AND import_id = @i", conn, tx))
        {
            del.Parameters.AddWithValue("t", job.TenantId);
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
                rows_read = @read, accepted = @acc, rejected = @rej, entries = @entries, warnings = @warn,
                added = @added, removed = @removed, kept = @kept, not_on_list = @absent
            WHERE tenant_id = @t AND import_id = @i
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("t", job.TenantId);
            cmd.Parameters.AddWithValue("i", job.ImportId);
            cmd.Parameters.AddWithValue("state", error is null ? "succeeded" : "failed");
            cmd.Parameters.AddWithValue("err", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
            cmd.Parameters.AddWithValue("read", p.RowsRead);
            cmd.Parameters.AddWithValue("acc", error is null ? p.Accepted : 0L);
            cmd.Parameters.AddWithValue("rej", p.Rejected);
            cmd.Parameters.AddWithValue("entries", error is null ? p.Entries : 0L);
            cmd.Parameters.AddWithValue("warn", warnings.ToArray());
            // A failed import changed nothing.
            cmd.Parameters.AddWithValue("added", error is null ? p.Added : 0L);
            cmd.Parameters.AddWithValue("removed", error is null ? p.Removed : 0L);
            cmd.Parameters.AddWithValue("kept", error is null ? p.Kept : 0L);
            cmd.Parameters.AddWithValue("absent", error is null ? p.NotOnList : 0L);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The rejected rows in row order, streamed.</summary>
    public async IAsyncEnumerable<(int Row, string Column, string Reason)> ErrorsAsync(Guid tenantId, Guid importId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(
            "SELECT row_no, column_name, reason FROM suppression_import_errors WHERE tenant_id = @t AND import_id = @i ORDER BY row_no, column_name");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", importId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) yield return (r.GetInt32(0), r.GetString(1), r.GetString(2));
    }
}
