using CxContact.Server.Platform.Hosting;
using CxContact.Core.Tenancy;
using CxContact.Server.Platform.Audit;
using Npgsql;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>SQL for tenants and API keys. Every change writes its audit row in the same transaction.</summary>
public sealed class TenantStore(NpgsqlDataSource db, PlatformClock clock)
{
    private const string KeyColumns = "key_id, tenant_id, name, role, key_hint, created_at, revoked_at, last_used_at";

    /// <summary>Creates a tenant with its first admin key; returns the key's secret, which is never stored.</summary>
    public async Task<(Tenant Tenant, ApiKeyInfo Key, string Secret)> CreateTenantAsync(string name, Guid? actorKeyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var tenant = new Tenant(Guid.CreateVersion7(), name, "active", Now());
        await using (var cmd = new NpgsqlCommand("INSERT INTO tenants (tenant_id, name, created_at) VALUES (@id, @name, @at)", conn, tx))
        {
            cmd.Parameters.AddWithValue("id", tenant.Id);
            cmd.Parameters.AddWithValue("name", name);
            cmd.Parameters.AddWithValue("at", tenant.CreatedAt);
            try { await cmd.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { throw new TenantNameTakenException(name); }
        }
        await AuditTrail.WriteAsync(conn, tx, tenant.Id, actorKeyId, "tenant.created", tenant.Id.ToString(), new { name }, ct);
        var secret = ApiKeySecret.Generate();
        var key = await InsertKeyAsync(conn, tx, tenant.Id, "initial admin key", ApiKeyRoles.Admin, secret, actorKeyId, ct);
        await tx.CommitAsync(ct);
        return (tenant, key, secret);
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT tenant_id, name, status, created_at FROM tenants WHERE tenant_id <> @system ORDER BY created_at, tenant_id");
        cmd.Parameters.AddWithValue("system", Tenant.SystemId);
        return await ReadAll(cmd, ReadTenant, ct);
    }

    public async Task<Tenant?> GetTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT tenant_id, name, status, created_at FROM tenants WHERE tenant_id = @id");
        cmd.Parameters.AddWithValue("id", tenantId);
        return (await ReadAll(cmd, ReadTenant, ct)).SingleOrDefault();
    }

    public async Task<(ApiKeyInfo Key, string Secret)> CreateKeyAsync(Guid tenantId, string name, string role, Guid? actorKeyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var secret = ApiKeySecret.Generate();
        var key = await InsertKeyAsync(conn, tx, tenantId, name, role, secret, actorKeyId, ct);
        await tx.CommitAsync(ct);
        return (key, secret);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {KeyColumns} FROM api_keys WHERE tenant_id = @t ORDER BY created_at, key_id");
        cmd.Parameters.AddWithValue("t", tenantId);
        return await ReadAll(cmd, ReadKey, ct);
    }

    /// <summary>Revokes a key of this tenant. Returns the key, or null when the tenant has no such key.</summary>
    public async Task<ApiKeyInfo?> RevokeKeyAsync(Guid tenantId, Guid keyId, Guid? actorKeyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, @now)
            WHERE tenant_id = @t AND key_id = @k
            RETURNING {KeyColumns}
            """, conn, tx);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("k", keyId);
        cmd.Parameters.AddWithValue("now", Now());
        var key = (await ReadAll(cmd, ReadKey, ct)).SingleOrDefault();
        if (key is null) return null;
        await AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "api-key.revoked", keyId.ToString(), new { key.Name, key.Role }, ct);
        await tx.CommitAsync(ct);
        return key;
    }

    /// <summary>Looks a presented key up by its hash, and stamps its last use in the same statement.</summary>
    public async Task<ResolvedKey?> ResolveAsync(string presentedKey, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE api_keys k SET last_used_at = @now
            FROM tenants t
            WHERE k.key_hash = @h AND k.revoked_at IS NULL AND t.tenant_id = k.tenant_id
            RETURNING k.key_id, k.name, k.role, t.tenant_id, t.name, t.status
            """);
        cmd.Parameters.AddWithValue("h", ApiKeySecret.Hash(presentedKey));
        cmd.Parameters.AddWithValue("now", Now());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new ResolvedKey(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetString(5));
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(Guid tenantId, int limit, DateTimeOffset? before, CancellationToken ct,
        DateTimeOffset? since = null, string? actionPrefix = null)
    {
        await using var cmd = db.CreateCommand("""
            SELECT a.audit_id, a.at, a.actor_key_id, a.action, a.target, a.detail::text,
                   coalesce(p.email, p.name, p.subject, k.name), CASE WHEN p.person_id IS NOT NULL THEN 'person' WHEN k.key_id IS NOT NULL THEN 'key' END
            FROM audit_log a
            -- The tenant's own keys and people, and the platform operators' keys (which act on any tenant).
            LEFT JOIN api_keys k ON k.key_id = a.actor_key_id AND k.tenant_id IN (a.tenant_id, @system)
            LEFT JOIN tenant_people p ON p.person_id = a.actor_key_id AND p.tenant_id = a.tenant_id
            WHERE a.tenant_id = @t AND (@before::timestamptz IS NULL OR a.at < @before) AND (@since::timestamptz IS NULL OR a.at >= @since)
              AND (@action::text IS NULL OR starts_with(a.action, @action))
            ORDER BY a.at DESC, a.audit_id DESC LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("system", Tenant.SystemId);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("before", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)before ?? DBNull.Value);
        cmd.Parameters.AddWithValue("since", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)since ?? DBNull.Value);
        cmd.Parameters.AddWithValue("action", NpgsqlTypes.NpgsqlDbType.Text, (object?)actionPrefix ?? DBNull.Value);
        cmd.Parameters.AddWithValue("limit", limit);
        return await ReadAll(cmd, r => new AuditEntry(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1),
            r.IsDBNull(2) ? null : r.GetGuid(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
            System.Text.Json.JsonDocument.Parse(r.GetString(5)).RootElement.Clone(), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
    }

    internal static async Task<ApiKeyInfo> InsertKeyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string name,
        string role, string secret, Guid? actorKeyId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO api_keys (tenant_id, key_id, name, role, key_hash, key_hint, created_by)
            VALUES (@t, @k, @name, @role, @hash, @hint, @by)
            RETURNING {KeyColumns}
            """, conn, tx);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("k", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("role", role);
        cmd.Parameters.AddWithValue("hash", ApiKeySecret.Hash(secret));
        cmd.Parameters.AddWithValue("hint", ApiKeySecret.Hint(secret));
        cmd.Parameters.AddWithValue("by", (object?)actorKeyId ?? DBNull.Value);
        var key = (await ReadAll(cmd, ReadKey, ct)).Single();
        await AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "api-key.created", key.Id.ToString(), new { name, role }, ct);
        return key;
    }

    private DateTimeOffset Now() => clock.GetUtcNow();

    private static Tenant ReadTenant(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3));

    private static ApiKeyInfo ReadKey(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5),
            r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7));

    private static async Task<List<T>> ReadAll<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await r.ReadAsync(ct)) list.Add(read(r));
        return list;
    }
}
