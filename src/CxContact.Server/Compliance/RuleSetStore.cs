using CxContact.Core.Compliance;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace CxContact.Server.Compliance;

/// <summary>
/// Tenants' rule sets in PostgreSQL (append-only versions), and the evaluator for each, built once and cached: the
/// validation hot path asks here and only reaches PostgreSQL when its cache entry expires.
/// </summary>
public sealed class RuleSetStore(NpgsqlDataSource db, IMemoryCache cache)
{
    public const string DefaultId = "default";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private static readonly ComplianceEvaluator DefaultEvaluator = new(RuleSets.Default);

    public sealed record Saved(string Id, int Version, DateTimeOffset CreatedAt, RuleSet Effective);

    /// <summary>The evaluator for a tenant's rule set (the defaults when id is null or "default"); null when there is no such set.</summary>
    public async Task<ComplianceEvaluator?> EvaluatorAsync(Guid tenantId, string? id, CancellationToken ct)
    {
        if (id is null or DefaultId) return DefaultEvaluator;
        return await cache.GetOrCreateAsync(("rule-set", tenantId, id), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return await LatestAsync(tenantId, id, ct) is { } saved ? new ComplianceEvaluator(saved.Effective) : null;
        });
    }

    /// <summary>Saves a new version of the tenant's overrides; the caller has validated the merged result.</summary>
    /// <summary>Saves a new version and its audit entry in one transaction.</summary>
    public async Task<Saved> SaveAsync(Guid tenantId, string id, RuleSet overrides, Guid actorKeyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        int version;
        DateTimeOffset createdAt;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO rule_sets (tenant_id, rule_set_id, version, overrides, created_by)
            VALUES (@t, @id, coalesce((SELECT max(version) FROM rule_sets WHERE tenant_id = @t AND rule_set_id = @id), 0) + 1, @json::jsonb, @by)
            RETURNING version, created_at
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("t", tenantId);
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("json", RuleSets.ToJson(overrides));
            cmd.Parameters.AddWithValue("by", actorKeyId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            (version, createdAt) = (r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1));
        }
        await Platform.Audit.AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "rule-set.saved", id, new { version }, ct);
        await tx.CommitAsync(ct);
        cache.Remove(("rule-set", tenantId, id));
        return new Saved(id, version, createdAt, Effective(overrides, id, version));
    }

    public async Task<Saved?> LatestAsync(Guid tenantId, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT version, created_at, overrides::text FROM rule_sets WHERE tenant_id = @t AND rule_set_id = @id ORDER BY version DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var version = r.GetInt32(0);
        return new Saved(id, version, r.GetFieldValue<DateTimeOffset>(1), Effective(RuleSets.Parse(r.GetString(2)), id, version));
    }

    /// <summary>One saved version of a tenant's set, as it was then (the defaults as they are now, with that version's overrides).</summary>
    public async Task<Saved?> VersionAsync(Guid tenantId, string id, int version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT version, created_at, overrides::text FROM rule_sets WHERE tenant_id = @t AND rule_set_id = @id AND version = @v
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("v", version);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Saved(id, version, r.GetFieldValue<DateTimeOffset>(1), Effective(RuleSets.Parse(r.GetString(2)), id, version));
    }

    /// <summary>Every saved version of a tenant's set, oldest first.</summary>
    public async Task<IReadOnlyList<(int Version, DateTimeOffset CreatedAt, Guid? CreatedBy)>> VersionsAsync(Guid tenantId, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT version, created_at, created_by FROM rule_sets WHERE tenant_id = @t AND rule_set_id = @id ORDER BY version");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(int, DateTimeOffset, Guid?)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetGuid(2)));
        return list;
    }

    public async Task<IReadOnlyList<(string Id, int Version, DateTimeOffset CreatedAt)>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT ON (rule_set_id) rule_set_id, version, created_at FROM rule_sets WHERE tenant_id = @t ORDER BY rule_set_id, version DESC
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(string, int, DateTimeOffset)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateTimeOffset>(2)));
        return list;
    }

    /// <summary>The defaults with the tenant's overrides applied, named and versioned as the tenant's set.</summary>
    public static RuleSet Effective(RuleSet overrides, string id, int version) =>
        RuleSets.Override(RuleSets.Default, overrides with { Id = id, Version = version });
}
