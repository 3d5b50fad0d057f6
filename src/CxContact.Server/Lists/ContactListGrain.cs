using CxContact.Server.Platform.Hosting;
using CxContact.Core.Lists;

namespace CxContact.Server.Lists;

/// <summary>
/// One per list: its configuration, counts and import history. Records never pass through here: imports and
/// exports run set-based in PostgreSQL, and only their summaries come back.
/// </summary>
[SiloRolePlacement("campaign")]
public sealed class ContactListGrain(
    [PersistentState("list")] IPersistentState<ContactListGrain.State> state,
    ContactListStore store, PlatformClock clock) : Grain, IContactListGrain
{
    public const int HistoryLength = 20;

    [GenerateSerializer, Alias("cxc.ContactListGrain.State")]
    public sealed class State
    {
        [Id(0)] public bool Exists { get; set; }
        [Id(1)] public bool Deleted { get; set; }
        [Id(2)] public string Name { get; set; } = "";
        [Id(3)] public string? Description { get; set; }
        [Id(4)] public string? DefaultCountry { get; set; }
        [Id(5)] public string? DefaultTimeZone { get; set; }
        [Id(6)] public string? SpecJson { get; set; }
        [Id(7)] public DateTimeOffset CreatedAt { get; set; }
        [Id(8)] public ListCounts Counts { get; set; } = ListCounts.Empty;
        [Id(9)] public List<ImportSummary> RecentImports { get; set; } = [];
    }

    private Guid ListId => this.GetPrimaryKey(out _);
    private Guid TenantId { get { this.GetPrimaryKey(out var t); return Guid.Parse(t!); } }
    private bool Live => state.State.Exists && !state.State.Deleted;

    public async Task<ContactListInfo> CreateAsync(ContactListDefinition d)
    {
        if (state.State.Exists) throw new InvalidOperationException($"List {ListId} already exists");
        await store.CreateAsync(TenantId, ListId, d.Name!, CancellationToken.None);
        state.State = new State
        {
            Exists = true, Name = d.Name!, Description = d.Description, DefaultCountry = d.DefaultCountry,
            DefaultTimeZone = d.DefaultTimeZone, SpecJson = d.SpecJson, CreatedAt = clock.GetUtcNow(),
        };
        await state.WriteStateAsync();
        return Info();
    }

    public Task<ContactListInfo?> GetAsync() => Task.FromResult(Live ? Info() : null);

    public async Task<ContactListInfo?> UpdateAsync(ContactListDefinition d)
    {
        if (!Live) return null;
        var s = state.State;
        if (d.Name is not null && d.Name != s.Name)
        {
            await store.RenameAsync(TenantId, ListId, d.Name, CancellationToken.None);
            s.Name = d.Name;
        }
        s.Description = d.Description ?? s.Description;
        s.DefaultCountry = d.DefaultCountry ?? s.DefaultCountry;
        s.DefaultTimeZone = d.DefaultTimeZone ?? s.DefaultTimeZone;
        s.SpecJson = d.SpecJson ?? s.SpecJson;
        await state.WriteStateAsync();
        return Info();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Live) return false;
        await store.DeleteAsync(TenantId, ListId, CancellationToken.None);
        state.State.Deleted = true;
        state.State.Counts = ListCounts.Empty;
        await state.WriteStateAsync();
        return true;
    }

    public async Task ImportFinishedAsync(ImportSummary summary, ListCounts counts)
    {
        if (!Live) return;
        var history = state.State.RecentImports;
        history.RemoveAll(h => h.ImportId == summary.ImportId);
        history.Insert(0, summary);
        if (history.Count > HistoryLength) history.RemoveRange(HistoryLength, history.Count - HistoryLength);
        state.State.Counts = counts;
        await state.WriteStateAsync();
    }

    private ContactListInfo Info()
    {
        var s = state.State;
        return new ContactListInfo(ListId, TenantId, s.Name, s.Description, s.DefaultCountry, s.DefaultTimeZone, s.SpecJson,
            s.CreatedAt, s.Counts, s.RecentImports.ToList());
    }
}
