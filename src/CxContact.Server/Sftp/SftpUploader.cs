using Renci.SshNet;

namespace CxContact.Server.Sftp;

/// <summary>
/// Pushes one local file to a tenant's SFTP connection, retried as <see cref="SftpRetry"/> says. The file is written
/// under a temporary name and renamed into place (POSIX rename, which replaces an older file of that name), so a
/// client's process watching the folder never picks up half a file, and a failed push leaves no partial file behind.
/// </summary>
public sealed class SftpUploader(SftpRetry retry, SftpDialer dialer, SftpOptions options)
{
    /// <returns>The path written on the server and the bytes sent.</returns>
    public async Task<(string RemotePath, long Size)> UploadAsync(Guid tenantId, Guid connectionId, string localPath, string remotePath, CancellationToken ct) =>
        await retry.RunAsync(tenantId, connectionId, "upload to " + remotePath,
            (connection, credentials) => UploadOnceAsync(connection, credentials, localPath, SftpRemotePath.Join(connection.BasePath, remotePath), ct), ct);

    private async Task<(string, long)> UploadOnceAsync(SftpConnection connection, SftpCredentials credentials, string localPath, string path,
        CancellationToken ct)
    {
        using var session = await dialer.ConnectAsync(connection, credentials, ct);
        var partial = $"{path}.{Guid.CreateVersion7():N}.part";
        // A stalled transfer is cut off by the idle watchdog, which every chunk sent pushes back.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(options.IdleTimeout);
        var partialMayExist = false;
        try
        {
            await using var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            partialMayExist = true;
            await session.Client.UploadFileAsync(file, partial, new Watchdog(idle, options.IdleTimeout), idle.Token);
            session.Client.RenameFile(partial, path, isPosix: true);
            partialMayExist = false;
            return (path, file.Length);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not SftpFetchException && dialer.Translate(e, connection, path) is { } translated)
        {
            if (partialMayExist) TryDelete(session, partial);
            throw e is OperationCanceledException
                ? new SftpFetchException(SftpFailure.Timeout,
                    $"the SFTP server {connection.Endpoint} stopped taking {path} (no progress for {options.IdleTimeout.TotalSeconds:0.###} s)", e)
                : translated;
        }
        catch
        {
            if (partialMayExist) TryDelete(session, partial);
            throw;
        }
    }

    private static void TryDelete(SftpSession session, string path)
    {
        try { if (session.Client.IsConnected && session.Client.Exists(path)) session.Client.DeleteFile(path); }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or ObjectDisposedException) { /* gone with the connection */ }
    }

    private sealed class Watchdog(CancellationTokenSource idle, TimeSpan timeout) : IProgress<UploadFileProgressReport>
    {
        public void Report(UploadFileProgressReport value)
        {
            try { idle.CancelAfter(timeout); } catch (ObjectDisposedException) { /* the transfer is over */ }
        }
    }
}
