namespace CxContact.Core.Tenancy;

/// <summary>One per tenant, keyed by the tenant id: the tenant's own settings, which every feature reads.</summary>
public interface ITenantGrain : IGrainWithGuidKey
{
    /// <summary>Returns the tenant's settings (defaults when never set).</summary>
    Task<TenantSettings> GetSettingsAsync();

    /// <summary>Replaces the tenant's settings; the caller has validated them.</summary>
    Task<TenantSettings> UpdateSettingsAsync(TenantSettings settings);
}
