namespace CxContact.Core.Tenancy;

/// <summary>What an API key may do. Stored as its lower-case wire name (see <see cref="ApiKeyRoles"/>).</summary>
public enum ApiKeyRole
{
    /// <summary>Operates the whole platform: creates tenants. Belongs to the system tenant only.</summary>
    SystemAdmin,
    /// <summary>Everything inside one tenant, including keys and settings.</summary>
    Admin,
    /// <summary>Runs campaigns and lists, but cannot manage keys or tenant settings.</summary>
    Supervisor,
    /// <summary>Reads only.</summary>
    Viewer,
    /// <summary>A dialer integration: leases records, reports results, asks for pre-dial validation.</summary>
    Dialer,
}
