namespace CxContact.Core.Tenancy;

/// <summary>Wire names of <see cref="ApiKeyRole"/>, as they appear in JSON, claims and the api_keys table.</summary>
public static class ApiKeyRoles
{
    public const string SystemAdmin = "system-admin";
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string Viewer = "viewer";
    public const string Dialer = "dialer";

    /// <summary>The roles a tenant admin may hand out. system-admin is not among them: it only exists in the system tenant.</summary>
    public static readonly IReadOnlyList<string> TenantRoles = [Admin, Supervisor, Viewer, Dialer];

    public static string ToWire(this ApiKeyRole role) => role switch
    {
        ApiKeyRole.SystemAdmin => SystemAdmin,
        ApiKeyRole.Admin => Admin,
        ApiKeyRole.Supervisor => Supervisor,
        ApiKeyRole.Viewer => Viewer,
        ApiKeyRole.Dialer => Dialer,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? wire, out ApiKeyRole role)
    {
        switch (wire)
        {
            case SystemAdmin: role = ApiKeyRole.SystemAdmin; return true;
            case Admin: role = ApiKeyRole.Admin; return true;
            case Supervisor: role = ApiKeyRole.Supervisor; return true;
            case Viewer: role = ApiKeyRole.Viewer; return true;
            case Dialer: role = ApiKeyRole.Dialer; return true;
            default: role = default; return false;
        }
    }
}
