using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Platform.Audit;

/// <summary>
/// Appends to audit_log inside the caller's transaction, so an action and its audit row commit or fail together.
/// </summary>
public static class AuditTrail
{
    /// <summary>An entry on its own, for what is done already (an export streamed, a grain's change made).</summary>
    public static async Task RecordAsync(NpgsqlDataSource db, Guid tenantId, Guid? actorKeyId, string action, string? target, object? detail,
        CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await WriteAsync(conn, null, tenantId, actorKeyId, action, target, detail, ct);
    }

    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId, Guid? actorKeyId,
        string action, string? target, object? detail, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO audit_log (tenant_id, audit_id, actor_key_id, action, target, detail)
            VALUES (@tenant, @id, @actor, @action, @target, @detail)
            """, conn, tx);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("actor", (object?)actorKeyId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("action", action);
        cmd.Parameters.AddWithValue("target", (object?)target ?? DBNull.Value);
        cmd.Parameters.Add(new NpgsqlParameter("detail", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(detail ?? new { }, JsonSerializerOptions.Web) });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
