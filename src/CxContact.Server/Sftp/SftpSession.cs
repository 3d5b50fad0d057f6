using Renci.SshNet;

namespace CxContact.Server.Sftp;

/// <summary>A connected, host-key-verified SFTP client and what it authenticated with; disposing closes it.</summary>
public sealed class SftpSession(SftpClient client, SftpConnection connection, string hostKeyFingerprint, IDisposable credentials) : IDisposable
{
    public SftpClient Client => client;
    public SftpConnection Connection => connection;
    /// <summary>The fingerprint the server presented (and which matched the pinned one).</summary>
    public string HostKeyFingerprint => hostKeyFingerprint;

    public void Dispose()
    {
        // Disconnect explicitly: Dispose alone can wait for a channel close the server never sends.
        try { if (client.IsConnected) client.Disconnect(); }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or ObjectDisposedException) { /* already gone */ }
        client.Dispose();
        credentials.Dispose();
    }
}
