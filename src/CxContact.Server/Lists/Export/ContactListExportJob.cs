namespace CxContact.Server.Lists.Export;

/// <summary>A row of contact_list_exports: one push of a list to SFTP, and how it went.</summary>
public sealed record ContactListExportJob(Guid TenantId, Guid ExportId, Guid ListId, string State, Guid SftpConnectionId, string RemotePath,
    long Rows, long Bytes, string? Error, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public const string Columns = "tenant_id, export_id, list_id, state, sftp_connection_id, remote_path, rows_written, bytes_written, error, " +
        "attempts, created_at, started_at, finished_at";

    public static ContactListExportJob Read(Npgsql.NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3),
        r.GetGuid(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetInt32(9),
        r.GetFieldValue<DateTimeOffset>(10), r.GetFieldValue<DateTimeOffset>(11), r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12));

    public string Url => $"/api/v1/contact-lists/{ListId}/exports/{ExportId}";
}
