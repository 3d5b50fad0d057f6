using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Lists.Export;

/// <summary>The history of SFTP exports in contact_list_exports.</summary>
public sealed class ContactListExportStore(NpgsqlDataSource db)
{
    /// <summary>
    /// Opens an export, or finds the one with the same idempotency key: a finished one comes back as it is (the
    /// caller does not push it again); one left running or failed by an earlier attempt is started again.
    /// </summary>
    public async Task<ContactListExportJob> BeginAsync(Guid tenantId, Guid listId, Guid connectionId, string remotePath, string? idempotencyKey,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO contact_list_exports (tenant_id, export_id, list_id, sftp_connection_id, remote_path, idempotency_key)
            VALUES (@t, @e, @l, @c, @p, @k)
            ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO UPDATE
                SET state = 'running', attempts = contact_list_exports.attempts + 1, started_at = now(), error = NULL, finished_at = NULL,
                    remote_path = excluded.remote_path
                WHERE contact_list_exports.state <> 'succeeded'
            RETURNING {ContactListExportJob.Columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("e", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("c", connectionId);
        cmd.Parameters.AddWithValue("p", remotePath);
        cmd.Parameters.AddWithValue("k", NpgsqlDbType.Text, (object?)idempotencyKey ?? DBNull.Value);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) return ContactListExportJob.Read(r);
        // The key's export already succeeded (the upsert's WHERE left it alone).
        await using var existing = db.CreateCommand($"SELECT {ContactListExportJob.Columns} FROM contact_list_exports WHERE tenant_id = @t AND idempotency_key = @k");
        existing.Parameters.AddWithValue("t", tenantId);
        existing.Parameters.AddWithValue("k", idempotencyKey!);
        await using var e = await existing.ExecuteReaderAsync(ct);
        await e.ReadAsync(ct);
        return ContactListExportJob.Read(e);
    }

    public async Task<ContactListExportJob> FinishAsync(Guid tenantId, Guid exportId, long rows, long bytes, string? error, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            UPDATE contact_list_exports SET state = @s, rows_written = @r, bytes_written = @b, error = @err, finished_at = now()
            WHERE tenant_id = @t AND export_id = @e RETURNING {ContactListExportJob.Columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("e", exportId);
        cmd.Parameters.AddWithValue("s", error is null ? "succeeded" : "failed");
        cmd.Parameters.AddWithValue("r", rows);
        cmd.Parameters.AddWithValue("b", bytes);
        cmd.Parameters.AddWithValue("err", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return ContactListExportJob.Read(r);
    }

    public async Task<ContactListExportJob?> GetAsync(Guid tenantId, Guid listId, Guid exportId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {ContactListExportJob.Columns} FROM contact_list_exports WHERE tenant_id = @t AND list_id = @l AND export_id = @e");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("e", exportId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ContactListExportJob.Read(r) : null;
    }

    public async Task<IReadOnlyList<ContactListExportJob>> ListAsync(Guid tenantId, Guid listId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"SELECT {ContactListExportJob.Columns} FROM contact_list_exports WHERE tenant_id = @t AND list_id = @l ORDER BY created_at DESC LIMIT @n");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("n", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var all = new List<ContactListExportJob>();
        while (await r.ReadAsync(ct)) all.Add(ContactListExportJob.Read(r));
        return all;
    }
}
