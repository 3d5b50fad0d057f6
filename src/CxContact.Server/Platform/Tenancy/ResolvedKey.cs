namespace CxContact.Server.Platform.Tenancy;

/// <summary>What a presented key turned out to be: enough to build the caller's identity without another query.</summary>
public sealed record ResolvedKey(Guid KeyId, string KeyName, string Role, Guid TenantId, string TenantName, string TenantStatus);
