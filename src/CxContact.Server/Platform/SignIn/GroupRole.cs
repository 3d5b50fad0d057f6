namespace CxContact.Server.Platform.SignIn;

/// <summary>One line of a tenant's sign-in mapping: people in this identity provider group get this role in the tenant.</summary>
public sealed record GroupRole(string Group, string Role);
