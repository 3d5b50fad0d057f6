namespace CxContact.Server.Platform.SignIn;

/// <summary>One line of a mapping as a request sends it (checked by <see cref="GroupRolesRules"/>).</summary>
public sealed record GroupRoleRequest(string? Group, string? Role);
