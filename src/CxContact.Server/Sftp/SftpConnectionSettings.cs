namespace CxContact.Server.Sftp;

/// <summary>The non-secret half of an SFTP connection, as validated at the edge.</summary>
public sealed record SftpConnectionSettings(string Name, string Host, int Port, string Username, string HostKeyFingerprint, string? BasePath);
