namespace CxContact.Server.Platform.Auth;

/// <summary>
/// Claim types carried by an authenticated caller: an API key, or a person signed in with single sign-on, whose
/// person id and display name stand where a key's id and name do (so audit rows and rate limits treat both alike).
/// </summary>
public static class CxClaims
{
    public const string TenantId = "cxc:tenant";
    public const string TenantName = "cxc:tenant_name";
    public const string KeyId = "cxc:key";
    public const string KeyName = "cxc:key_name";
    /// <summary>The identity provider's subject of a signed-in person (absent for keys).</summary>
    public const string Subject = "sub";
    public const string Issuer = "cxc:iss";
    public const string Email = "email";
    /// <summary>A group the person was in at sign-in; the role is worked out again from these while the session lasts.</summary>
    public const string Group = "cxc:group";
    /// <summary>When the person signed in (Unix seconds): a session ends a fixed time after it, however busy.</summary>
    /// <summary>The person_sessions row of this sign-in: signing out ends it for every copy of the cookie.</summary>
    public const string SessionId = "cxc:sid";
    public const string SignedInAt = "cxc:signed_in_at";
}
