namespace CxContact.Server.Platform.Auth;

/// <summary>Claim types carried by an authenticated API key.</summary>
public static class CxClaims
{
    public const string TenantId = "cxc:tenant";
    public const string TenantName = "cxc:tenant_name";
    public const string KeyId = "cxc:key";
    public const string KeyName = "cxc:key_name";
}
