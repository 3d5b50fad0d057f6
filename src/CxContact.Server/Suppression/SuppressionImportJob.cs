using Npgsql;

namespace CxContact.Server.Suppression;

/// <summary>A row of suppression_imports: one import job, its counters and outcome.</summary>
public sealed record SuppressionImportJob(
    Guid TenantId, Guid ImportId, Guid ListId, string State, string Mode, string SpecJson, string FilePath, string? FileName,
    long FileBytes, long RowsRead, long Accepted, long Rejected, long Entries, string[] Warnings, string? Error, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string Source, Guid? SftpConnectionId, string? RemotePath,
    string? Feed, long Added, long Removed, long Kept, long NotOnList) : Jobs.IImportJob
{
    public const string Columns = "tenant_id, import_id, list_id, state, mode, spec::text, file_path, file_name, file_bytes, rows_read, " +
        "accepted, rejected, entries, warnings, error, attempts, created_at, started_at, finished_at, source, sftp_connection_id, remote_path, " +
        "spec ->> 'feed', added, removed, kept, not_on_list";

    public static SuppressionImportJob Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12),
        r.GetFieldValue<string[]>(13), r.IsDBNull(14) ? null : r.GetString(14), r.GetInt32(15), r.GetFieldValue<DateTimeOffset>(16),
        r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17), r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
        r.GetString(19), r.IsDBNull(20) ? null : r.GetGuid(20), r.IsDBNull(21) ? null : r.GetString(21),
        r.IsDBNull(22) ? null : r.GetString(22), r.GetInt64(23), r.GetInt64(24), r.GetInt64(25), r.GetInt64(26));
}
