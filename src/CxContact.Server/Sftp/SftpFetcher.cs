using CxContact.Server.Platform.Hosting;
using System.Security.Cryptography;
using Renci.SshNet;

namespace CxContact.Server.Sftp;

/// <summary>
/// Pulls one file from a tenant's SFTP connection to a local path, streaming it (never whole in memory). Network
/// trouble is retried with exponential backoff; a wrong host key, wrong credentials or a missing file are not,
/// since trying again cannot fix them. A failed fetch leaves nothing at the destination.
/// </summary>
public sealed class SftpFetcher(SftpConnectionStore store, SftpDialer dialer, SftpOptions options, PlatformClock clock, ILogger<SftpFetcher> log)
{
    public async Task<SftpFetchResult> FetchAsync(Guid tenantId, Guid connectionId, string remotePath, string destinationPath, CancellationToken ct)
    {
        var (connection, credentials) = await OpenAsync(tenantId, connectionId, ct);
        var path = SftpRemotePath.Join(connection.BasePath, remotePath);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await FetchOnceAsync(connection, credentials, path, destinationPath, ct);
            }
            catch (SftpFetchException e) when (e.IsTransient && attempt < options.Attempts)
            {
                var delay = options.RetryDelay(attempt);
                log.LogWarning("SFTP fetch of {Path} from {Server} failed (attempt {Attempt} of {Attempts}): {Reason}; retrying in {Delay}",
                    path, connection.Endpoint, attempt, options.Attempts, e.Reason, delay);
                await Task.Delay(delay, clock, ct);
            }
            catch (SftpFetchException e) when (e.IsTransient && attempt > 1)
            {
                throw e.AfterAttempts(attempt);
            }
        }
    }

    private async Task<(SftpConnection, SftpCredentials)> OpenAsync(Guid tenantId, Guid connectionId, CancellationToken ct)
    {
        try
        {
            return await store.OpenAsync(tenantId, connectionId, ct)
                ?? throw new SftpFetchException(SftpFailure.NoSuchConnection, $"there is no SFTP connection {connectionId} in this tenant");
        }
        catch (CryptographicException e)
        {
            throw new SftpFetchException(SftpFailure.CredentialsUnreadable,
                $"the credentials of SFTP connection {connectionId} cannot be used: {e.Message}; enter them again", e);
        }
    }

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
