using System.Security.Claims;
using CxContact.Core.Tenancy;

namespace CxContact.Server.Platform.Auth;

/// <summary>
/// Who is calling: the tenant comes from the key (or the person's session), never from the request. For a person
/// signed in with single sign-on, KeyId is their person id in the tenant and KeyName their name or email.
/// </summary>
public sealed record Caller(Guid TenantId, string TenantName, Guid KeyId, string KeyName, string Role)
{
    public bool IsSystemAdmin => Role == ApiKeyRoles.SystemAdmin;

    /// <summary>A person's session (single sign-on), as opposed to an API key.</summary>
    public static bool IsPerson(ClaimsPrincipal user) => user.HasClaim(c => c.Type == CxClaims.Subject);

    /// <summary>Reads the caller from an authenticated principal. Only call behind an authorization policy.</summary>
    public static Caller From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(CxClaims.TenantId)!),
        user.FindFirstValue(CxClaims.TenantName)!,
        Guid.Parse(user.FindFirstValue(CxClaims.KeyId)!),
        user.FindFirstValue(CxClaims.KeyName)!,
        user.FindFirstValue(ClaimTypes.Role)!);
}
