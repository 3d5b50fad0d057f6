namespace CxContact.Server.Platform.Tenancy;

/// <summary>Another tenant already has this name (names are unique, ignoring case).</summary>
public sealed class TenantNameTakenException(string name) : Exception($"A tenant named \"{name}\" already exists.");
