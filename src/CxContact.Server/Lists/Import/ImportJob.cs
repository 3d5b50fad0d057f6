namespace CxContact.Server.Lists.Import;

/// <summary>A row of list_imports: one import job, its counters and outcome; AppliedAt once its records are in the list.</summary>
public sealed record ImportJob(
    Guid TenantId, Guid ImportId, Guid ListId, string State, string Phase, string Mode, string SpecJson, string FilePath,
    string? FileName, long FileBytes, long RowsRead, long Accepted, long Rejected, long Excluded, long Merged, long BytesRead,
    string[] Warnings, string? Error, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string Source, Guid? SftpConnectionId, string? RemotePath, DateTimeOffset? AppliedAt) : Jobs.IImportJob
{
    public const string Columns = "tenant_id, import_id, list_id, state, phase, mode, spec::text, file_path, file_name, file_bytes, rows_read, " +
        "accepted, rejected, excluded, merged, bytes_read, warnings, error, attempts, created_at, started_at, finished_at, " +
        "source, sftp_connection_id, remote_path, applied_at";

    public static ImportJob Read(Npgsql.NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14),
        r.GetInt64(15), r.GetFieldValue<string[]>(16), r.IsDBNull(17) ? null : r.GetString(17), r.GetInt32(18), r.GetFieldValue<DateTimeOffset>(19),
        r.IsDBNull(20) ? null : r.GetFieldValue<DateTimeOffset>(20), r.IsDBNull(21) ? null : r.GetFieldValue<DateTimeOffset>(21),
        r.GetString(22), r.IsDBNull(23) ? null : r.GetGuid(23), r.IsDBNull(24) ? null : r.GetString(24),
        r.IsDBNull(25) ? null : r.GetFieldValue<DateTimeOffset>(25));

    /// <summary>This job as it ends: its outcome and final counters; a failed one accepted and merged nothing.</summary>
    public ImportJob Finished(ImportProgress p, string? error, IReadOnlyList<string> warnings, DateTimeOffset at)
    {
        var state = error is null ? "succeeded" : "failed";
        return this with
        {
            State = state, Phase = state, Error = error, RowsRead = p.RowsRead, Accepted = error is null ? p.Accepted : 0, Rejected = p.Rejected,
            Excluded = p.Excluded, Merged = error is null ? p.Merged : 0, BytesRead = p.BytesRead, Warnings = [.. warnings], FinishedAt = at,
        };
    }

    public Core.Lists.ImportSummary ToSummary() =>
        new(ImportId, State, Mode, FileName, RowsRead, Accepted, Rejected, Excluded, Merged, Error, StartedAt, FinishedAt);
}
