using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// What PostgreSQL says Redis must hold, beyond the data itself: pending requests for a full rebuild
/// (<c>redis_rebuild_requests</c>: a write reached PostgreSQL but not Redis, or a rule set now counts further back than
/// Redis keeps) and the attempt horizon saved rule sets need (<c>attempt_horizon</c>). Kept here, in the truth, because
/// Redis may be what failed. Every silo's <see cref="RedisEpochWatch"/> reads both each tick.
/// </summary>
public sealed class RebuildRequests(NpgsqlDataSource db, RedisEpoch epoch, PlatformSettings settings)
{
    /// <summary>One tick's reading: the pending request (if any), the saved horizon, and the database's clock.</summary>
    public sealed record Reading(string? Reason, DateTime? RequestedAt, TimeSpan? Horizon, DateTime Now);

    /// <summary>
    /// Asks for a rebuild because Redis no longer matches PostgreSQL: closes this silo's gate, removes the Redis marker
    /// (every silo's readers then fail closed at once), and records the request, which keeps them failing closed even
    /// when Redis could not be told. A later request keeps the row pending past a rebuild that started before it.
    /// </summary>
    public async Task RequestAsync(string reason, CancellationToken ct)
    {
        epoch.Suspect($"a rebuild was requested: {reason}");
        try { await epoch.InvalidateAsync(); }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException) { /* Redis may be what failed; the row below covers it */ }
        await using var cmd = db.CreateCommand("""
            INSERT INTO redis_rebuild_requests (redis_prefix, requested_at, reason) VALUES (@p, clock_timestamp(), @r)
            ON CONFLICT (redis_prefix) DO UPDATE SET requested_at = greatest(redis_rebuild_requests.requested_at, excluded.requested_at),
                                                     reason = excluded.reason
            """);
        cmd.Parameters.AddWithValue("p", settings.RedisPrefix);
        cmd.Parameters.AddWithValue("r", reason);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<Reading> ReadAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT r.reason, r.requested_at, (SELECT seconds FROM attempt_horizon), clock_timestamp()
            FROM (SELECT 1) one LEFT JOIN redis_rebuild_requests r ON r.redis_prefix = @p
            """);
        cmd.Parameters.AddWithValue("p", settings.RedisPrefix);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Reading(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetDateTime(1),
            r.IsDBNull(2) ? null : TimeSpan.FromSeconds(r.GetInt64(2)), r.GetDateTime(3));
    }

    /// <summary>Raises the saved horizon; true when it grew (Redis then lacks attempts the new rule counts).</summary>
    public async Task<bool> ExtendHorizonAsync(TimeSpan needed, CancellationToken ct)
    {
        // Growing past the shipped defaults' horizon is what counts: Redis already keeps that much.
        await using var cmd = db.CreateCommand("""
            WITH old AS (SELECT greatest(coalesce((SELECT seconds FROM attempt_horizon), 0), @d) AS seconds)
            INSERT INTO attempt_horizon (singleton, seconds) SELECT true, @s FROM old WHERE old.seconds < @s
            ON CONFLICT (singleton) DO UPDATE SET seconds = greatest(attempt_horizon.seconds, excluded.seconds)
            RETURNING seconds
            """);
        cmd.Parameters.AddWithValue("s", (long)Math.Ceiling(needed.TotalSeconds));
        cmd.Parameters.AddWithValue("d", (long)Math.Ceiling(AttemptHorizon.Defaults.TotalSeconds));
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Clears what a rebuild that started at <paramref name="startedAt"/> (database time) has covered.</summary>
    public async Task ClearBeforeAsync(DateTime startedAt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM redis_rebuild_requests WHERE redis_prefix = @p AND requested_at < @s");
        cmd.Parameters.AddWithValue("p", settings.RedisPrefix);
        cmd.Parameters.AddWithValue("s", startedAt);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
