using System.Security.Cryptography;
using CxContact.Server.Sftp;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Sftp;

/// <summary>The uploader against a real OpenSSH server: byte-identical, renamed into place, retried for network trouble only.</summary>
public sealed class SftpUploaderTests(SftpDatabase data) : IClassFixture<SftpDatabase>, IDisposable
{
    private readonly InstantClock _clock = new();
    private readonly string _local = Directory.CreateTempSubdirectory("cxc-sftp-upload-").FullName;

    private string Local(byte[] content)
    {
        var path = Path.Combine(_local, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public async Task A_file_arrives_byte_identical_under_its_name_and_replaces_an_older_one_leaving_no_partial_file()
    {
        var folder = LocalSftp.Shared.NewDropFolder();
        var connection = await data.ConnectionAsync();
        var first = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var second = RandomNumberGenerator.GetBytes(1234);

        var (remote, size) = await data.Uploader(_clock).UploadAsync(data.TenantA, connection.Id, Local(first), $"{folder}/export.csv", CancellationToken.None);
        Assert.Equal(first.Length, size);
        Assert.Equal(Path.Combine(LocalSftp.Shared.Root, folder, "export.csv"), remote);
        Assert.Equal(first, await File.ReadAllBytesAsync(remote));

        await data.Uploader(_clock).UploadAsync(data.TenantA, connection.Id, Local(second), $"{folder}/export.csv", CancellationToken.None);
        Assert.Equal(second, await File.ReadAllBytesAsync(remote));
        Assert.Equal(["export.csv"], Directory.GetFiles(Path.Combine(LocalSftp.Shared.Root, folder)).Select(Path.GetFileName));
        Assert.Empty(_clock.Waits);
    }

    [Fact]
    public async Task A_missing_folder_on_the_server_fails_at_once_naming_the_path()
    {
        var connection = await data.ConnectionAsync();
        var e = await Assert.ThrowsAsync<SftpFetchException>(() => data.Uploader(_clock).UploadAsync(data.TenantA, connection.Id,
            Local([1, 2, 3]), "no-such-folder/export.csv", CancellationToken.None));
        Assert.Equal(SftpFailure.NotFound, e.Failure);
        Assert.Contains("no-such-folder", e.Message);
        Assert.Empty(_clock.Waits);
    }

    [Fact]
    public async Task A_server_that_is_down_is_retried_with_backoff_then_fails_saying_so()
    {
        var port = LocalProcess.FreePort();
        var connection = await data.ConnectionAsync(port: port);
        var e = await Assert.ThrowsAsync<SftpFetchException>(() => data.Uploader(_clock).UploadAsync(data.TenantA, connection.Id,
            Local([1, 2, 3]), "export.csv", CancellationToken.None));
        Assert.Equal(SftpFailure.Refused, e.Failure);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], _clock.Waits);
        Assert.Equal($"the SFTP server 127.0.0.1:{port} refused the connection after 3 attempts", e.Message);
    }

    [Fact]
    public async Task A_path_outside_the_connections_base_path_is_refused()
    {
        var connection = await data.ConnectionAsync();
        var e = await Assert.ThrowsAsync<SftpFetchException>(() => data.Uploader(_clock).UploadAsync(data.TenantA, connection.Id,
            Local([1]), "../escape.csv", CancellationToken.None));
        Assert.Equal(SftpFailure.InvalidPath, e.Failure);
    }

    public void Dispose()
    {
        try { Directory.Delete(_local, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
