namespace CxContact.Server.Platform.SignIn;

/// <summary>A tenant a person's groups give a role in, with the highest of those roles.</summary>
public sealed record TenantMatch(Guid TenantId, string TenantName, string Status, string Role);
