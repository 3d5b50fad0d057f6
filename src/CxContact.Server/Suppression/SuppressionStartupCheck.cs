using CxContact.Core.Suppression;
using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Suppression;

/// <summary>
/// On compliance silos, once Redis is trusted (<see cref="RedisEpoch"/>; a Redis that lost everything is rebuilt whole by
/// <see cref="ComplianceRebuild"/> first): rebuilds every list whose index is missing or carries another version than its
/// grain expects (a rebuild cut off between its switch and its grain); then, every few seconds, lists marked stale in
/// PostgreSQL (an index write failed). Until then lookups on such a list fail closed.
/// </summary>
public sealed class SuppressionStartupCheck(IGrainFactory grains, SuppressionListStore store, SuppressionIndex index,
    SuppressionRebuilder rebuilder, RedisEpoch epoch, IHostApplicationLifetime lifetime, ILogger<SuppressionStartupCheck> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // This service is registered before the silo, so it starts first: wait until the whole host (silo included) is up.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (ct.Register(() => started.TrySetCanceled(ct)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; } // stopped before it ever started
        }
        try
        {
            while (epoch.Current is null) await Task.Delay(RedisEpochWatch.Tick, ct);
            foreach (var (tenantId, listId) in await store.AllLiveAsync(ct))
            {
                var info = await grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString()).GetAsync();
                if (info is null) continue;
                var stamp = await index.VersionAsync(tenantId, listId);
                if (stamp == info.IndexVersion && info.RebuildingTo is null) continue;
                log.LogWarning("Suppression index of list {ListId} has version {Stamp}, expected {Expected}; rebuilding",
                    listId, stamp?.ToString() ?? "(none)", info.IndexVersion);
                await rebuilder.RebuildAsync(tenantId, listId, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        catch (Exception e)
        {
            log.LogError(e, "The start-up check of suppression indexes failed; stale lists keep failing closed until rebuilt");
        }

        using var timer = new PeriodicTimer(RepairEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                if (epoch.Current is not null) // else a whole rebuild runs, or Redis is away
                foreach (var (tenantId, listId) in await StaleAsync(ct))
                {
                    try
                    {
                        log.LogWarning("Suppression index of list {ListId} missed a write; rebuilding it", listId);
                        await rebuilder.RebuildAsync(tenantId, listId, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Most likely Redis is still down; the list stays stale (failing closed) and is tried again.
                        log.LogWarning("Rebuilding the stale index of list {ListId} failed ({Error}); retrying in {Seconds} s", listId, e.Message, RepairEvery.TotalSeconds);
                    }
                }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* shutting down */ }
    }

    public static readonly TimeSpan RepairEvery = TimeSpan.FromSeconds(5);

    /// <summary>The stale lists; none while PostgreSQL is away (it was the host's end: this loop is a hosted service).</summary>
    private async Task<IReadOnlyList<(Guid TenantId, Guid ListId)>> StaleAsync(CancellationToken ct)
    {
        try { return await store.StaleAsync(ct); }
        catch (Exception e) when (Outage.IsDatabase(e) && !ct.IsCancellationRequested)
        {
            log.LogWarning("Cannot read the stale suppression lists ({Error}); trying again in {Seconds} s", e.Message, RepairEvery.TotalSeconds);
            return [];
        }
    }
}
