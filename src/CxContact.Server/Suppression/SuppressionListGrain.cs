using CxContact.Server.Platform.Hosting;
using CxContact.Core.Suppression;

namespace CxContact.Server.Suppression;

/// <summary>
/// One per suppression list: configuration, entry count and index versions. Entries never pass through here: they
/// are written to PostgreSQL and the index directly, so a rebuild (which runs outside the grain) never blocks them.
/// </summary>
[SiloRolePlacement("compliance")]
public sealed class SuppressionListGrain(
    [PersistentState("suppression")] IPersistentState<SuppressionListGrain.State> state,
    SuppressionListStore store, SuppressionIndex index, PlatformClock clock) : Grain, ISuppressionListGrain
{
    [GenerateSerializer, Alias("cxc.SuppressionListGrain.State")]
    public sealed class State
    {
        [Id(0)] public bool Exists { get; set; }
        [Id(1)] public bool Deleted { get; set; }
        [Id(2)] public string Name { get; set; } = "";
        [Id(3)] public string? Description { get; set; }
        [Id(4)] public string Scope { get; set; } = SuppressionScope.Tenant;
        [Id(5)] public List<Guid> CampaignIds { get; set; } = [];
        [Id(6)] public DateTimeOffset CreatedAt { get; set; }
        [Id(7)] public long EntryCount { get; set; }
        /// <summary>The version the live index must carry; a different or missing stamp in Redis means it is stale.</summary>
        [Id(8)] public long IndexVersion { get; set; }
        [Id(9)] public long? RebuildingTo { get; set; }
    }

    private Guid ListId => this.GetPrimaryKey(out _);
    private Guid TenantId { get { this.GetPrimaryKey(out var t); return Guid.Parse(t!); } }
    private bool Live => state.State.Exists && !state.State.Deleted;

    public async Task<SuppressionListInfo> CreateAsync(SuppressionListDefinition d)
    {
        if (state.State.Exists) throw new InvalidOperationException($"Suppression list {ListId} already exists");
        var scope = d.Scope ?? SuppressionScope.Tenant;
        var campaigns = d.CampaignIds?.Distinct().ToList() ?? [];
        await store.CreateAsync(TenantId, ListId, d.Name!, scope, campaigns, CancellationToken.None);
        await index.InitAsync(TenantId, ListId, 1);
        state.State = new State
        {
            Exists = true, Name = d.Name!, Description = d.Description, Scope = scope, CampaignIds = campaigns,
            CreatedAt = clock.GetUtcNow(), IndexVersion = 1,
        };
        await state.WriteStateAsync();
        return Info();
    }

    public Task<SuppressionListInfo?> GetAsync() => Task.FromResult(Live ? Info() : null);

    public async Task<SuppressionListInfo?> UpdateAsync(SuppressionListDefinition d)
    {
        if (!Live) return null;
        var s = state.State;
        var name = d.Name ?? s.Name;
        var scope = d.Scope ?? s.Scope;
        // Going tenant-wide forgets the campaigns; the API refuses a tenant scope that also names campaigns.
        var campaigns = d.CampaignIds?.Distinct().ToList() ?? (scope == SuppressionScope.Tenant ? [] : s.CampaignIds);
        if (name != s.Name || scope != s.Scope || !campaigns.SequenceEqual(s.CampaignIds))
            await store.UpdateAsync(TenantId, ListId, name, scope, campaigns, CancellationToken.None);
        s.Name = name;
        s.Scope = scope;
        s.CampaignIds = campaigns;
        s.Description = d.Description ?? s.Description;
        await state.WriteStateAsync();
        return Info();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Live) return false;
        await store.DeleteAsync(TenantId, ListId, CancellationToken.None);
        await index.DropAsync(TenantId, ListId);
        state.State.Deleted = true;
        state.State.EntryCount = 0;
        state.State.RebuildingTo = null;
        await state.WriteStateAsync();
        return true;
    }

    public async Task EntriesChangedAsync(long delta)
    {
        if (!Live || delta == 0) return;
        state.State.EntryCount = Math.Max(0, state.State.EntryCount + delta);
        await state.WriteStateAsync();
    }

    public async Task<long?> BeginRebuildAsync()
    {
        if (!Live) return null;
        // A newer version than any before, even when an earlier rebuild never finished: its keys are then abandoned.
        var version = Math.Max(state.State.IndexVersion, state.State.RebuildingTo ?? 0) + 1;
        state.State.RebuildingTo = version;
        await state.WriteStateAsync();
        return version;
    }

    public async Task RebuildFinishedAsync(long version)
    {
        if (!Live) return;
        state.State.IndexVersion = Math.Max(state.State.IndexVersion, version);
        if (state.State.RebuildingTo == version) state.State.RebuildingTo = null;
        await state.WriteStateAsync();
    }

    public async Task RebuildFailedAsync(long version)
    {
        if (!Live || state.State.RebuildingTo != version) return;
        state.State.RebuildingTo = null;
        await state.WriteStateAsync();
    }

    private SuppressionListInfo Info()
    {
        var s = state.State;
        return new SuppressionListInfo(ListId, TenantId, s.Name, s.Description, s.Scope, s.CampaignIds.ToList(), s.CreatedAt,
            s.EntryCount, s.IndexVersion, s.RebuildingTo);
    }
}
