using CxContact.Server.Platform.Hosting;
using System.Security.Cryptography;
using Renci.SshNet;

namespace CxContact.Server.Sftp;

/// <summary>
/// Pulls one file from a tenant's SFTP connection to a local path, streaming it (never whole in memory), retried as
/// <see cref="SftpRetry"/> says, and held to the upload cap and to the room the caller gives (the tenant's landing
/// quota). A failed fetch leaves nothing at the destination.
/// </summary>
public sealed class SftpFetcher(SftpRetry retry, SftpDialer dialer, SftpOptions options)
{
    public async Task<SftpFetchResult> FetchAsync(Guid tenantId, Guid connectionId, string remotePath, string destinationPath, CancellationToken ct,
        SftpFetchRoom? room = null) =>
        await retry.RunAsync(tenantId, connectionId, "fetch of " + remotePath,
            (connection, credentials) => FetchOnceAsync(connection, credentials, SftpRemotePath.Join(connection.BasePath, remotePath), destinationPath, room, ct), ct);

    private async Task<SftpFetchResult> FetchOnceAsync(SftpConnection connection, SftpCredentials credentials, string path, string destination,
        SftpFetchRoom? room, CancellationToken ct)
    {
        // Whichever of the cap and the room is smaller stops the copy, and says why in its own words.
        var quotaFirst = room is { } r && r.Bytes < options.MaxFileBytes;
        var most = quotaFirst ? room!.Bytes : options.MaxFileBytes;
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
            if (attributes.Size > options.MaxFileBytes) throw TooLarge(path, attributes.Size);
            if (room is not null && attributes.Size > room.Bytes) throw NoRoom(room);
            if (Path.GetDirectoryName(Path.GetFullPath(destination)) is { } dir) Directory.CreateDirectory(dir);
            long size;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                // A file that grows past the cap or the room while it is read (or whose size was misreported) is cut off too.
                await using var capped = new CappedStream(file, most, () => quotaFirst ? NoRoom(room!) : TooLarge(path, null));
                await session.Client.DownloadFileAsync(path, capped, new Watchdog(idle, options.IdleTimeout), idle.Token);
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

    private SftpFetchException TooLarge(string path, long? size) => new(SftpFailure.TooLarge,
        $"{path} on the server is {(size is { } s ? $"{s / (1024.0 * 1024):N1} MB" : "larger than that")}; a pull brings at most " +
        $"{options.MaxFileBytes / (1024 * 1024):N0} MB (CXC_MAX_UPLOAD_MB)");

    private static SftpFetchException NoRoom(SftpFetchRoom room) => new(SftpFailure.LandingQuota, room.Full);

    /// <summary>Passes writes on until more than the cap has been written, then throws what the caller said.</summary>
    private sealed class CappedStream(Stream inner, long cap, Func<Exception> over) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count(buffer.Length);
            inner.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Count(buffer.Length);
            return inner.WriteAsync(buffer, ct);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private void Count(int n)
        {
            _written += n;
            if (_written > cap) throw over();
        }

        // The file stream belongs to the caller.
        protected override void Dispose(bool disposing) { }
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
