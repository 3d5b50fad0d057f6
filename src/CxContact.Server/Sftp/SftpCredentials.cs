namespace CxContact.Server.Sftp;

/// <summary>
/// The secret half of an SFTP connection: a password, or a private key with its optional passphrase. It lives in
/// clear only in memory, between opening the sealed column and connecting.
/// </summary>
public sealed record SftpCredentials(string? Password, string? PrivateKey, string? PrivateKeyPassphrase)
{
    // A record prints its members; these must never reach a log line or an exception message.
    public override string ToString() =>
        $"SftpCredentials {{ HasPassword = {Password is not null}, HasPrivateKey = {PrivateKey is not null} }}";
}
