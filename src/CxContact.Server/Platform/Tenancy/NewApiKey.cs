namespace CxContact.Server.Platform.Tenancy;

/// <summary>A key just created: the only response that ever carries the secret.</summary>
public sealed record NewApiKey(Guid Id, Guid TenantId, string Name, string Role, string Key, DateTimeOffset CreatedAt)
{
    public static NewApiKey From(ApiKeyInfo k, string secret) => new(k.Id, k.TenantId, k.Name, k.Role, secret, k.CreatedAt);
}
