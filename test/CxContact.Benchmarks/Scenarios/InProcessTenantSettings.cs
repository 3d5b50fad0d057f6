using System.Runtime.CompilerServices;
using CxContact.Core.Tenancy;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// The grain-call baseline: the same method shape as <see cref="ITenantGrain.GetSettingsAsync"/> on a plain
/// object, returning settings it already holds, exactly as the activated grain does from its loaded state.
/// </summary>
public sealed class InProcessTenantSettings(TenantSettings settings)
{
    // Kept out of line so the baseline is a real call, not a field read folded into the caller's loop.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Task<TenantSettings> GetSettingsAsync() => Task.FromResult(settings);
}
