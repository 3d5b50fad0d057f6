using System.Security.Claims;
using CxContact.Core.Tenancy;

namespace CxContact.Server.Platform.Auth;

/// <summary>Who is calling: the tenant comes from the key, never from the request.</summary>
public sealed record Caller(Guid TenantId, string TenantName, Guid KeyId, string KeyName, string Role)
{
    public bool IsSystemAdmin => Role == ApiKeyRoles.SystemAdmin;

    /// <summary>Reads the caller from an authenticated principal. Only call behind an authorization policy.</summary>
    public static Caller From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(CxClaims.TenantId)!),
        user.FindFirstValue(CxClaims.TenantName)!,
        Guid.Parse(user.FindFirstValue(CxClaims.KeyId)!),
        user.FindFirstValue(CxClaims.KeyName)!,
        user.FindFirstValue(ClaimTypes.Role)!);
}
