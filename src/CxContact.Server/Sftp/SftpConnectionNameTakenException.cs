namespace CxContact.Server.Sftp;

/// <summary>The tenant already has an SFTP connection of this name (names are unique per tenant, ignoring case).</summary>
public sealed class SftpConnectionNameTakenException(string name)
    : Exception($"This tenant already has an SFTP connection named \"{name}\".");
