namespace CxContact.Core.Tenancy;

/// <summary>
/// Tenant-wide defaults. Imports use DefaultCountry for numbers written without a country code, and
/// DefaultTimeZone when nothing on a record says where the contact is.
/// </summary>
[GenerateSerializer, Alias("cxc.TenantSettings")]
public sealed record TenantSettings(
    [property: Id(0)] string DefaultCountry,
    [property: Id(1)] string DefaultTimeZone,
    [property: Id(2)] DateTimeOffset? UpdatedAt)
{
    public static TenantSettings Defaults { get; } = new("US", "America/New_York", null);
}
