using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CxContact.Server.Sftp;

/// <summary>
/// Opens SFTP sessions that trust exactly one host key, the pinned fingerprint, and turns what SSH.NET and the
/// socket layer throw into an <see cref="SftpFetchException"/> that says what went wrong in the user's terms.
/// </summary>
public sealed class SftpDialer(SftpOptions options, SftpDestinationPolicy destinations)
{
    public SftpOptions Options => options;

    public async Task<SftpSession> ConnectAsync(SftpConnection connection, SftpCredentials credentials, CancellationToken ct)
    {
        // Resolved and checked now, and connected to that very address (the host key still pins the server).
        var address = await destinations.ResolveAsync(connection.Host, connection.Port, ct);
        AuthenticationMethod auth;
        IDisposable owned;
        try { (auth, owned) = Authentication(connection.Username, credentials); }
        catch (Exception e) when (e is SshException or System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            throw new SftpFetchException(SftpFailure.CredentialsUnreadable, $"the stored private key cannot be read ({e.Message.TrimEnd('.')}); enter it again", e);
        }
        var info = new Renci.SshNet.ConnectionInfo(address.ToString(), connection.Port, connection.Username, auth) { Timeout = options.ConnectTimeout };
        var client = new SftpClient(info) { OperationTimeout = options.IdleTimeout };
        string? offered = null;
        client.HostKeyReceived += (_, e) =>
        {
            offered = HostKeyFingerprint.FromSshNet(e.FingerPrintSHA256);
            // Not secret, so no constant-time compare is needed; an exact match is what pinning means.
            e.CanTrust = string.Equals(offered, connection.HostKeyFingerprint, StringComparison.Ordinal);
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await client.ConnectAsync(timeout.Token);
            return new SftpSession(client, connection, offered!, owned);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            client.Dispose();
            owned.Dispose();
            if (offered is not null && offered != connection.HostKeyFingerprint)
                throw new SftpFetchException(SftpFailure.HostKeyMismatch,
                    $"host key mismatch: expected {connection.HostKeyFingerprint}, the server offered {offered}", e)
                {
                    ExpectedFingerprint = connection.HostKeyFingerprint,
                    OfferedFingerprint = offered,
                };
            throw Translate(e, connection, path: null) ?? new SftpFetchException(SftpFailure.Protocol,
                $"could not connect to the SFTP server {connection.Endpoint}", e);
        }
        catch
        {
            client.Dispose();
            owned.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What an SSH, SFTP or socket error means for the user; null for anything else (a full local disk is not the
    /// server's fault and keeps its own exception).
    /// </summary>
    public SftpFetchException? Translate(Exception e, SftpConnection c, string? path)
    {
        var server = $"the SFTP server {c.Endpoint}";
        var timeout = options.ConnectTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return e switch
        {
            SftpFetchException f => f,
            SftpPathNotFoundException => new(SftpFailure.NotFound, $"no such file on the server: {path}", e),
            SftpPermissionDeniedException => new(SftpFailure.PermissionDenied, $"permission denied on the server: {path}", e),
            SshAuthenticationException => new(SftpFailure.AuthenticationFailed,
                $"{server} rejected the credentials of user \"{c.Username}\" ({e.Message.TrimEnd('.')})", e),
            SshOperationTimeoutException or OperationCanceledException or TimeoutException =>
                new(SftpFailure.Timeout, $"{server} did not answer in time (timeout {timeout} s)", e),
            // The far side's own words (an SSH banner, or the bytes of whatever else answered) are not repeated: they
            // would tell a caller what listens on a port.
            SshConnectionException => new(SftpFailure.ConnectionLost, $"{server} closed the connection or did not complete an SSH handshake", e),
            SocketException s => s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => new(SftpFailure.Refused, $"{server} refused the connection", e),
                SocketError.TimedOut => new(SftpFailure.Timeout, $"{server} did not answer in time (timeout {timeout} s)", e),
                SocketError.HostNotFound or SocketError.NoData => new(SftpFailure.UnknownHost, $"the SFTP host name \"{c.Host}\" does not resolve", e),
                SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown =>
                    new(SftpFailure.ConnectionLost, $"{server} closed the connection ({s.SocketErrorCode})", e),
                _ => new(SftpFailure.Unreachable, $"{server} cannot be reached ({s.SocketErrorCode})", e),
            },
            ProxyException or SshException => new(SftpFailure.Protocol, $"{server} did not complete an SSH session", e),
            _ => null,
        };
    }

    private static (AuthenticationMethod Method, IDisposable Owned) Authentication(string username, SftpCredentials credentials)
    {
        if (credentials.Password is { } password)
        {
            var method = new PasswordAuthenticationMethod(username, password);
            return (method, method);
        }
        var key = SftpConnectionRules.ParsePrivateKey(credentials.PrivateKey!, credentials.PrivateKeyPassphrase);
        var keyAuth = new PrivateKeyAuthenticationMethod(username, key);
        return (keyAuth, new Owned(keyAuth, key));
    }

    private sealed class Owned(params IDisposable[] items) : IDisposable
    {
        public void Dispose() { foreach (var i in items) i.Dispose(); }
    }
}
