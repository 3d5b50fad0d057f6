using CxContact.Core.Suppression;
using CxContact.Server.Platform.Hosting;
using StackExchange.Redis;

namespace CxContact.Server.Suppression;

/// <summary>
/// Deletes a list's expired entries from PostgreSQL and its index, a batch at a time, for the purge endpoint and the
/// scheduled purge alike. If the index cannot be written, the rows are already gone, so the list is marked stale and
/// its lookups fail closed until a rebuild.
/// </summary>
public sealed class SuppressionPurger(IGrainFactory grains, SuppressionListStore store, SuppressionIndex index, PlatformClock clock,
    ILogger<SuppressionPurger> log)
{
    public const int Batch = 10_000;

    /// <summary>How many were purged, and why the index could not follow (null when it did).</summary>
    public sealed record Outcome(long Purged, string? IndexFailure);

    /// <summary>Null when the tenant has no such list.</summary>
    public async Task<Outcome?> PurgeAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        var grain = grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString());
        if (await grain.GetAsync() is null) return null;
        var now = clock.GetUtcNow();
        long purged = 0;
        try
        {
            while (true)
            {
                var batch = await store.PurgeExpiredBatchAsync(tenantId, listId, now, Batch, ct);
                if (batch.Count == 0) break;
                purged += batch.Count;
                try { await index.RemoveAsync(tenantId, listId, batch.Select(e => (e.Type, e.Value)).ToList()); }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    log.LogError(e, "Suppression list {ListId}: {Purged} expired entries deleted, but the index write failed; marking it stale", listId, purged);
                    // In PostgreSQL first: Redis may be down, and this mark must outlive the outage (validation reads it).
                    await store.MarkStaleAsync(tenantId, listId, CancellationToken.None);
                    try { await index.MarkStaleAsync(tenantId, listId); }
                    catch (Exception stale) when (stale is RedisException or TimeoutException)
                    {
                        log.LogError(stale, "Suppression list {ListId}: could not mark the index stale either; rebuild it when Redis is back", listId);
                    }
                    return new Outcome(purged, e.Message);
                }
                if (batch.Count < Batch) break;
            }
        }
        finally
        {
            await grain.EntriesChangedAsync(-purged);
        }
        return new Outcome(purged, null);
    }
}
