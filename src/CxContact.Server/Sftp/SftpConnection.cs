using System.Text.Json.Serialization;

namespace CxContact.Server.Sftp;

/// <summary>A tenant's SFTP connection as the API shows it: whether credentials are set, never what they are.</summary>
public sealed record SftpConnection(
    Guid Id,
    string Name,
    string Host,
    int Port,
    string Username,
    string HostKeyFingerprint,
    string? BasePath,
    bool HasPassword,
    bool HasPrivateKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>host:port, as messages name the server.</summary>
    [JsonIgnore]
    public string Endpoint => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
