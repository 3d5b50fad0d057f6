using System.Text;
using CxContact.Server.Api;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CxContact.Server.Sftp;

/// <summary>What a valid SFTP connection is, checked at the edge so that a bad one is never stored.</summary>
public static class SftpConnectionRules
{
    public const int MaxPassword = 1024;
    public const int MaxPrivateKey = 64 * 1024;

    public static string Host(FieldErrors errors, string? value)
    {
        var host = errors.Text("host", value, max: 253);
        if (host.Length > 0 && Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            errors.Add("host", $"\"{host}\" is not a host name or IP address (give the port in \"port\")");
        return host.Trim('[', ']');
    }

    public static int Port(FieldErrors errors, int? value)
    {
        var port = value ?? 22;
        if (port is < 1 or > 65535) errors.Add("port", $"{port} is not a TCP port; use 1 to 65535 (22 when left out)");
        return port;
    }

    public static string Username(FieldErrors errors, string? value)
    {
        var user = errors.Text("username", value);
        if (user.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))) errors.Add("username", "may not contain spaces or control characters");
        return user;
    }

    public static string Fingerprint(FieldErrors errors, string? value)
    {
        var fp = HostKeyFingerprint.Normalize(value, out var problem);
        if (problem is not null) errors.Add("hostKeyFingerprint", problem);
        return fp ?? "";
    }

    /// <summary>An empty base path means none: paths are then taken from the login directory.</summary>
    public static string? BasePath(FieldErrors errors, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (SftpRemotePath.Problem(value) is { } problem) errors.Add("basePath", problem);
        return value;
    }

    /// <summary>
    /// Exactly one of password and private key; a passphrase only with a key, and the key must open with it. Returns
    /// null when the request sends no credentials at all (an update that keeps the stored ones).
    /// </summary>
    public static SftpCredentials? Credentials(FieldErrors errors, string? password, string? privateKey, string? passphrase)
    {
        if (password is not null && privateKey is not null)
        {
            errors.Add("password", "send either a password or a privateKey, not both");
            errors.Add("privateKey", "send either a password or a privateKey, not both");
            return null;
        }
        if (passphrase is not null && privateKey is null)
        {
            errors.Add("privateKeyPassphrase", "goes with a privateKey; send the key with its passphrase");
            return null;
        }
        if (password is not null)
        {
            if (password.Length == 0) errors.Add("password", "is empty");
            else if (password.Length > MaxPassword) errors.Add("password", $"is longer than {MaxPassword} characters");
            return new SftpCredentials(password, null, null);
        }
        if (privateKey is null) return null;
        if (privateKey.Length > MaxPrivateKey)
        {
            errors.Add("privateKey", $"is longer than {MaxPrivateKey} characters; send the private key file's text (PEM or OpenSSH)");
            return null;
        }
        var pass = string.IsNullOrEmpty(passphrase) ? null : passphrase;
        try
        {
            using var _ = ParsePrivateKey(privateKey, pass);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            errors.Add("privateKeyPassphrase", "is required: the private key is encrypted");
        }
        // A wrong passphrase decrypts to garbage, and the parser then fails in whatever way the garbage leads it
        // (seen: overflow, end of stream, index errors). Any failure parsing user input means "not a usable key".
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // SSH.NET says "invalid passphrase" in several ways; with a passphrase given, that is the likelier fault.
            if (pass is not null) errors.Add("privateKeyPassphrase", $"does not open the private key, or the key is not valid ({e.Message.TrimEnd('.')})");
            else errors.Add("privateKey", $"is not a private key SSH.NET can read: send the key file's text, PEM (-----BEGIN … PRIVATE KEY-----) or OpenSSH ({e.Message.TrimEnd('.')})");
        }
        return new SftpCredentials(null, privateKey, pass);
    }

    public static PrivateKeyFile ParsePrivateKey(string privateKey, string? passphrase)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(privateKey.Trim() + "\n"));
        return new PrivateKeyFile(stream, passphrase);
    }
}
