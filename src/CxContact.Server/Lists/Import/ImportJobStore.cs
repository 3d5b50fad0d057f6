using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// The contact-list import jobs in list_imports: the queue (<see cref="ImportQueue{TJob}"/>), progress and outcome.
/// </summary>
public sealed class ImportJobStore(NpgsqlDataSource db) : ImportQueue<ImportJob>(db, "list_imports", ImportJob.Columns, ImportJob.Read)
{
    protected override string ResetOnClaim => "phase = 'starting', rows_read = 0, accepted = 0, rejected = 0, excluded = 0, merged = 0, bytes_read = 0";

    /// <summary>A running job without a heartbeat for this long is taken to be orphaned.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How many times a job may be started before it is failed for good.</summary>
    public const int MaxAttempts = 3;

    public async Task HeartbeatAsync(Guid importId, ImportProgress p, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("""
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
        await using var cmd = Db.CreateCommand($"""
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

    /// <summary>Fails a job that may not run again (too many attempts), keeping what it had counted.</summary>
    public async Task<ImportJob> GiveUpAsync(ImportJob job, string reason, CancellationToken ct) =>
        await FinishAsync(job.ImportId, new ImportProgress(), reason, job.Warnings, ct);
}
