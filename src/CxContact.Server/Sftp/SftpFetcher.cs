using CxContact.Server.Platform.Hosting;
using System.Security.Cryptography;
using Renci.SshNet;

namespace CxContact.Server.Sftp;

/// <summary>
/// Pulls one file from a tenant's SFTP connection to a local path, streaming it (never whole in memory), retried as
/// <see cref="SftpRetry"/> says. A failed fetch leaves nothing at the destination.
/// </summary>
public sealed class SftpFetcher(SftpRetry retry, SftpDialer dialer, SftpOptions options)
{
    public async Task<SftpFetchResult> FetchAsync(Guid tenantId, Guid connectionId, string remotePath, string destinationPath, CancellationToken ct) =>
        await retry.RunAsync(tenantId, connectionId, "fetch of " + remotePath,
            (connection, credentials) => FetchOnceAsync(connection, credentials, SftpRemotePath.Join(connection.BasePath, remotePath), destinationPath, ct), ct);

    private async Task<SftpFetchResult> FetchOnceAsync(SftpConnection connection, SftpCredentials credentials, string path, string destination,
        CancellationToken ct)
    {
        using var session = await dialer.ConnectAsync(connection, credentials, ct);
        var partial = $"{destination}.{Guid.CreateVersion7():N}.partial";
        // A stalled transfer is cut off by the idle watchdog, which every chunk written pushes back.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(options.IdleTimeout);
        try
        {
            var attributes = await session.Client.GetAttributesAsync(path, idle.Token);
            if (attributes.IsDirectory)
                throw new SftpFetchException(SftpFailure.NotAFile, $"{path} on the server is a directory, not a file");
            if (Path.GetDirectoryName(Path.GetFullPath(destination)) is { } dir) Directory.CreateDirectory(dir);
            long size;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await session.Client.DownloadFileAsync(path, file, new Watchdog(idle, options.IdleTimeout), idle.Token);
                await file.FlushAsync(ct);
                size = file.Length;
            }
            File.Move(partial, destination, overwrite: true);
            return new SftpFetchResult(path.Split('/')[^1], path, size, new DateTimeOffset(attributes.LastWriteTimeUtc, TimeSpan.Zero));
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not SftpFetchException && dialer.Translate(e, connection, path) is { } translated)
        {
            Delete(partial);
            throw e is OperationCanceledException
                ? new SftpFetchException(SftpFailure.Timeout,
                    $"the SFTP server {connection.Endpoint} stopped sending {path} (no data for {options.IdleTimeout.TotalSeconds:0.###} s)", e)
                : translated;
        }
        catch
        {
            Delete(partial);
            throw;
        }
    }

    private static void Delete(string path)
    {
        try { File.Delete(path); } catch (IOException) { /* the landing directory's retention removes it */ }
    }

    private sealed class Watchdog(CancellationTokenSource idle, TimeSpan timeout) : IProgress<DownloadFileProgressReport>
    {
        public void Report(DownloadFileProgressReport value)
        {
            try { idle.CancelAfter(timeout); } catch (ObjectDisposedException) { /* the transfer is over */ }
        }
    }
}
