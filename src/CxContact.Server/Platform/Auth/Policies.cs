using CxContact.Core.Tenancy;
using Microsoft.AspNetCore.Authorization;

namespace CxContact.Server.Platform.Auth;

/// <summary>Named authorization policies; endpoints name one of these, never roles directly.</summary>
public static class Policies
{
    public const string SystemAdmin = "system-admin";
    public const string TenantAdmin = "tenant-admin";
    /// <summary>admin or supervisor: runs lists and campaigns.</summary>
    public const string TenantOperator = "tenant-operator";
    /// <summary>admin or supervisor: takes personal data out in bulk (exports of contacts, suppression entries, decisions). Viewers may not.</summary>
    public const string ExportPii = "export-pii";
    /// <summary>admin, supervisor or viewer: reads tenant data.</summary>
    public const string TenantReader = "tenant-reader";
    /// <summary>A tenant reader, or a system admin looking at any tenant.</summary>
    public const string TenantOrSystemReader = "tenant-or-system-reader";
    /// <summary>A tenant admin, or a system admin acting on any tenant (the system tenant's own sign-in mapping included).</summary>
    public const string TenantOrSystemAdmin = "tenant-or-system-admin";
    /// <summary>A dialer integration (or an admin testing one).</summary>
    public const string Dialer = "dialer";
    /// <summary>Any valid key, of any tenant or role.</summary>
    public const string AnyKey = "any-key";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(SystemAdmin, p => p.RequireRole(ApiKeyRoles.SystemAdmin));
        o.AddPolicy(TenantAdmin, p => p.RequireRole(ApiKeyRoles.Admin));
        o.AddPolicy(TenantOperator, p => p.RequireRole(ApiKeyRoles.Admin, ApiKeyRoles.Supervisor));
        o.AddPolicy(ExportPii, p => p.RequireRole(ApiKeyRoles.Admin, ApiKeyRoles.Supervisor));
        o.AddPolicy(TenantReader, p => p.RequireRole(ApiKeyRoles.Admin, ApiKeyRoles.Supervisor, ApiKeyRoles.Viewer));
        o.AddPolicy(TenantOrSystemReader, p => p.RequireRole(ApiKeyRoles.Admin, ApiKeyRoles.Supervisor, ApiKeyRoles.Viewer, ApiKeyRoles.SystemAdmin));
        o.AddPolicy(TenantOrSystemAdmin, p => p.RequireRole(ApiKeyRoles.Admin, ApiKeyRoles.SystemAdmin));
        o.AddPolicy(Dialer, p => p.RequireRole(ApiKeyRoles.Dialer, ApiKeyRoles.Admin));
        o.AddPolicy(AnyKey, p => p.RequireAuthenticatedUser());
        // No fallback policy: health probes, OpenAPI and the UI's static files are public. The /api/v1 group
        // requires AnyKey as a whole, so an API endpoint that forgets its policy is still closed to anonymous callers.
        o.DefaultPolicy = o.GetPolicy(AnyKey)!;
    }
}
