namespace CxContact.Server.Platform.Tenancy;

/// <summary>A key as listings show it: never the secret, only its first characters.</summary>
public sealed record ApiKeyInfo(Guid Id, Guid TenantId, string Name, string Role, string Hint,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);
