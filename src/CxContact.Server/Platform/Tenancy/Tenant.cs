namespace CxContact.Server.Platform.Tenancy;

/// <summary>A row of the tenants table.</summary>
public sealed record Tenant(Guid Id, string Name, string Status, DateTimeOffset CreatedAt)
{
    /// <summary>Owns the platform operators' (system-admin) keys. Not listed as a tenant.</summary>
    public static readonly Guid SystemId = Guid.Empty;
}
