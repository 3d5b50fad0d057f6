using CxContact.Core.Tenancy;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>Holds one tenant's settings as grain state (small configuration, as the design wants).</summary>
public sealed class TenantGrain([PersistentState("tenant")] IPersistentState<TenantGrain.State> state) : Grain, ITenantGrain
{
    [GenerateSerializer, Alias("cxc.TenantGrain.State")]
    public sealed class State
    {
        [Id(0)] public TenantSettings? Settings { get; set; }
    }

    public Task<TenantSettings> GetSettingsAsync() => Task.FromResult(state.State.Settings ?? TenantSettings.Defaults);

    public async Task<TenantSettings> UpdateSettingsAsync(TenantSettings settings)
    {
        state.State.Settings = settings;
        await state.WriteStateAsync();
        return settings;
    }
}
