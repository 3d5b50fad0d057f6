using CxContact.Server.Platform.Hosting;
using CxContact.Core.Suppression;
using CxContact.Server.Suppression;

namespace CxContact.Server.CallingList;

/// <summary>
/// Honours a do-not-call request: the number goes into the campaign's DNC list (its dncList, else its first
/// suppression list, else the tenant's "Internal DNC" list, created tenant-wide on first use). If the index write
/// fails, the list is marked stale so lookups fail closed until it is rebuilt, as for any entry write.
/// </summary>
public sealed class DncWriter(IGrainFactory grains, SuppressionListStore store, SuppressionIndex index, PlatformClock clock, ILogger<DncWriter> log)
{
    public const string InternalListName = "Internal DNC";

    /// <param name="source">What the entry says it came from; a dialer's dnc-request when not given.</param>
    public async Task<Guid> AddAsync(Guid tenantId, Guid campaignId, Core.Campaigns.CampaignDefinition def, string phone, CancellationToken ct,
        string? source = null)
    {
        var listId = def.DncList ?? def.SuppressionLists.FirstOrDefault();
        if (listId == Guid.Empty) listId = await InternalListAsync(tenantId, ct);
        await AddToListAsync(tenantId, listId, new SuppressionEntry(SuppressionEntryType.Phone, phone, clock.GetUtcNow(), null,
            source ?? $"dnc-request in campaign {campaignId}"), ct);
        return listId;
    }

    /// <summary>One entry into a given list (a hard bounce into the gateway's bounce list), index and count included.</summary>
    public async Task AddToListAsync(Guid tenantId, Guid listId, SuppressionEntry entry, CancellationToken ct)
    {
        var (added, feedHeld) = await store.UpsertAsync(tenantId, listId, [entry], ct);
        try { await index.AddAsync(tenantId, listId, SuppressionEntry.AsUpserted([entry], feedHeld), clock.GetUtcNow()); }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            log.LogError(e, "Suppression entry ({Source}): saved, but the index write failed; marking list {List} stale", entry.Source, listId);
            await store.MarkStaleAsync(tenantId, listId, CancellationToken.None);
        }
        if (added > 0) await grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString()).EntriesChangedAsync(added);
    }

    /// <summary>Takes a number off a list it was put on (an SMS START after a STOP); false when it was not there.</summary>
    public async Task<bool> RemoveAsync(Guid tenantId, Guid listId, string phone, CancellationToken ct)
    {
        var (removed, _) = await store.RemoveAsync(tenantId, listId, "phone", phone, ct);
        if (!removed) return false;
        try { await index.RemoveAsync(tenantId, listId, [("phone", phone)]); }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            // A stale index still suppresses the number: the lookup fails closed until the rebuild.
            log.LogError(e, "Opt-in: removed from list {List}, but the index write failed; marking it stale", listId);
            await store.MarkStaleAsync(tenantId, listId, CancellationToken.None);
        }
        await grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString()).EntriesChangedAsync(-1);
        return true;
    }

    /// <summary>
    /// The id is derived from the tenant, so two first requests racing on two silos meet in one grain and create
    /// one list, not two.
    /// </summary>
    private async Task<Guid> InternalListAsync(Guid tenantId, CancellationToken ct)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"cxc-internal-dnc:{tenantId}"));
        var listId = new Guid(hash.AsSpan(0, 16));
        var grain = grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString());
        if (await grain.GetAsync() is null)
        {
            try
            {
                await grain.CreateAsync(new SuppressionListDefinition(InternalListName,
                    "Do-not-call requests taken by dialers; applies to every campaign.", SuppressionScope.Tenant, null));
            }
            catch (InvalidOperationException) { } // created by a concurrent request a moment ago
        }
        return listId;
    }
}
