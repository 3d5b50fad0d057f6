using CxContact.Server.Platform.Hosting;
using CxContact.Core.Suppression;

namespace CxContact.Server.Suppression;

/// <summary>
/// Rebuilds a list's index from PostgreSQL while the old index keeps answering. The order is what keeps concurrent
/// writes: the rebuild is announced in Redis before the snapshot is taken, so a write that commits after the
/// snapshot finds the announcement and also lands in the new index.
/// </summary>
public sealed class SuppressionRebuilder(IGrainFactory grains, SuppressionListStore store, SuppressionIndex index, PlatformClock clock,
    ILogger<SuppressionRebuilder> log)
{
    public sealed record Result(long Version, long Entries, TimeSpan Took);

    /// <summary>Returns null when there is no such list; throws when the rebuild failed (the old index stays).</summary>
    public async Task<Result?> RebuildAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        var grain = grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString());
        if (await grain.BeginRebuildAsync() is not { } version) return null;
        var started = clock.GetTimestamp();
        var startedAt = clock.GetUtcNow();
        try
        {
            await index.BeginRebuildAsync(tenantId, listId, version);
            var entries = await index.LoadAsync(tenantId, listId, version, store.StreamAsync(tenantId, listId, ct), clock.GetUtcNow(), ct);
            if (!await index.SwitchAsync(tenantId, listId, version))
                throw new InvalidOperationException($"The rebuild of list {listId} to version {version} was superseded by another rebuild.");
            await grain.RebuildFinishedAsync(version);
            await store.ClearStaleAsync(tenantId, listId, startedAt, ct);
            var took = clock.GetElapsedTime(started);
            log.LogInformation("Rebuilt the suppression index of list {ListId} to version {Version}: {Entries} entries in {Seconds:0.0} s",
                listId, version, entries, took.TotalSeconds);
            return new Result(version, entries, took);
        }
        catch (Exception e)
        {
            log.LogError(e, "Rebuilding the suppression index of list {ListId} to version {Version} failed; the old index stays", listId, version);
            try { await index.AbortRebuildAsync(tenantId, listId, version); }
            catch (Exception cleanup) { log.LogWarning(cleanup, "Could not drop the abandoned keys of version {Version}", version); }
            await grain.RebuildFailedAsync(version);
            throw;
        }
    }
}
