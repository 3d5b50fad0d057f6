using CxContact.Server.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// The contact-list import jobs in list_imports: the queue (<see cref="ImportQueue{TJob}"/>), progress and outcome.
/// </summary>
public sealed class ImportJobStore(NpgsqlDataSource db) : ImportQueue<ImportJob>(db, "list_imports", ImportJob.Columns, ImportJob.Read)
{
    // A job applied before it was cut off keeps its counters: running again only closes it.
    protected override string ResetOnClaim => "phase = CASE WHEN j.applied_at IS NULL THEN 'starting' ELSE 'finishing' END, " +
        string.Join(", ", new[] { "rows_read", "accepted", "rejected", "excluded", "merged", "bytes_read" }
            .Select(c => $"{c} = CASE WHEN j.applied_at IS NULL THEN 0 ELSE j.{c} END"));
    protected override string ResetOnRelease => "phase = 'queued'";

    public async Task HeartbeatAsync(Guid tenantId, Guid importId, ImportProgress p, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("""
            UPDATE list_imports SET heartbeat_at = now(), phase = @phase, rows_read = @read, accepted = @acc, rejected = @rej,
                excluded = @exc, merged = @mer, bytes_read = @bytes
            WHERE tenant_id = @t AND import_id = @i AND state = 'running'
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
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

    /// <summary>
    /// Marks the job applied inside the transaction that changes the list (with its final counters and warnings), so a
    /// job cut off after that commit is closed when it runs again instead of applied twice.
    /// </summary>
    public static async Task MarkAppliedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid importId, ImportProgress p, IReadOnlyList<string> warnings,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"UPDATE list_imports SET applied_at = now(), {CounterColumns} WHERE tenant_id = @t AND import_id = @i", conn, tx);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("i", importId);
        AddCounters(cmd, p.RowsRead, p.Accepted, p.Rejected, p.Excluded, p.Merged, p.BytesRead, warnings);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Closes the job as <paramref name="finished"/> says (see <see cref="ImportJob.Finished"/>).</summary>
    public async Task FinishAsync(ImportJob finished, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand($"""
            UPDATE list_imports SET state = @state, phase = @state, finished_at = @at, heartbeat_at = now(), error = @err, {CounterColumns}
            WHERE tenant_id = @t AND import_id = @i
            """);
        cmd.Parameters.AddWithValue("t", finished.TenantId);
        cmd.Parameters.AddWithValue("i", finished.ImportId);
        cmd.Parameters.AddWithValue("state", finished.State);
        cmd.Parameters.AddWithValue("at", finished.FinishedAt!.Value);
        cmd.Parameters.AddWithValue("err", NpgsqlDbType.Text, (object?)finished.Error ?? DBNull.Value);
        AddCounters(cmd, finished.RowsRead, finished.Accepted, finished.Rejected, finished.Excluded, finished.Merged, finished.BytesRead, finished.Warnings);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string CounterColumns =
        "rows_read = @read, accepted = @acc, rejected = @rej, excluded = @exc, merged = @mer, bytes_read = @bytes, warnings = @warn";

    private static void AddCounters(NpgsqlCommand cmd, long read, long accepted, long rejected, long excluded, long merged, long bytes,
        IReadOnlyList<string> warnings)
    {
        cmd.Parameters.AddWithValue("read", read);
        cmd.Parameters.AddWithValue("acc", accepted);
        cmd.Parameters.AddWithValue("rej", rejected);
        cmd.Parameters.AddWithValue("exc", excluded);
        cmd.Parameters.AddWithValue("mer", merged);
        cmd.Parameters.AddWithValue("bytes", bytes);
        cmd.Parameters.AddWithValue("warn", warnings.ToArray());
    }

    /// <summary>Fails a job that may not run again (too many attempts).</summary>
    public async Task<ImportJob> GiveUpAsync(ImportJob job, string reason, CancellationToken ct)
    {
        var finished = job.Finished(new ImportProgress(), reason, job.Warnings, DateTimeOffset.UtcNow);
        await FinishAsync(finished, ct);
        return finished;
    }
}
