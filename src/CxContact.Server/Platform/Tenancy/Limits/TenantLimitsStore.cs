using System.Collections.Concurrent;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Platform.Tenancy.Limits;

/// <summary>
/// tenant_limits, read through a short cache: every API request asks for its tenant's limits, so a silo reads each
/// tenant's row at most once per <see cref="CacheFor"/>. A change applies at once on the silo that made it, and on the
/// others within that time.
/// </summary>
public sealed class TenantLimitsStore(NpgsqlDataSource db, PlatformSettings platform, PlatformClock clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<Guid, (EffectiveLimits Limits, DateTimeOffset Until)> _cache = new();

    public async ValueTask<EffectiveLimits> EffectiveAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var hit) && hit.Until > now) return hit.Limits;
        var limits = EffectiveLimits.Of(await GetAsync(tenantId, ct), platform);
        _cache[tenantId] = (limits, now + CacheFor);
        return limits;
    }

    public async Task<TenantLimits> GetAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT requests_per_second_per_key, requests_per_second_per_tenant, messages_per_second, imports_at_once,
                   max_upload_mb, landing_quota_mb
            FROM tenant_limits WHERE tenant_id = @t
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return TenantLimits.None;
        int? At(int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
        return new TenantLimits(At(0), At(1), At(2), At(3), At(4), At(5));
    }

    public async Task SetAsync(Guid tenantId, TenantLimits limits, Guid actorKeyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO tenant_limits (tenant_id, requests_per_second_per_key, requests_per_second_per_tenant, messages_per_second,
                                       imports_at_once, max_upload_mb, landing_quota_mb, updated_at, updated_by)
            VALUES (@t, @k, @tt, @m, @i, @u, @q, @at, @by)
            ON CONFLICT (tenant_id) DO UPDATE SET requests_per_second_per_key = @k, requests_per_second_per_tenant = @tt,
                messages_per_second = @m, imports_at_once = @i, max_upload_mb = @u, landing_quota_mb = @q, updated_at = @at, updated_by = @by
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("t", tenantId);
            cmd.Parameters.AddWithValue("k", (object?)limits.RequestsPerSecondPerKey ?? DBNull.Value);
            cmd.Parameters.AddWithValue("tt", (object?)limits.RequestsPerSecondPerTenant ?? DBNull.Value);
            cmd.Parameters.AddWithValue("m", (object?)limits.MessagesPerSecond ?? DBNull.Value);
            cmd.Parameters.AddWithValue("i", (object?)limits.ImportsAtOnce ?? DBNull.Value);
            cmd.Parameters.AddWithValue("u", (object?)limits.MaxUploadMb ?? DBNull.Value);
            cmd.Parameters.AddWithValue("q", (object?)limits.LandingQuotaMb ?? DBNull.Value);
            cmd.Parameters.AddWithValue("at", clock.GetUtcNow());
            cmd.Parameters.AddWithValue("by", actorKeyId);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await Audit.AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "tenant.limits-changed", tenantId.ToString(), limits, ct);
        await tx.CommitAsync(ct);
        _cache.TryRemove(tenantId, out _);
    }
}
