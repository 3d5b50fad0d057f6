using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CxContact.Server.Sftp;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Sftp;

/// <summary>The fetcher against a real OpenSSH server: byte-identical streaming, retries for network trouble only.</summary>
public sealed class SftpFetcherTests(SftpDatabase data) : IClassFixture<SftpDatabase>, IDisposable
{
    private readonly InstantClock _clock = new();
    private readonly string _landing = Directory.CreateTempSubdirectory("cxc-sftp-landing-").FullName;

    private static string Drop(byte[] content, string? name = null)
    {
        var dir = Path.Combine(LocalSftp.Shared.Root, "in-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name ?? "contacts.csv");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string Relative(string path) => Path.GetRelativePath(LocalSftp.Shared.Root, path).Replace('\\', '/');

    [Fact]
    public async Task A_file_of_several_megabytes_arrives_byte_identical_with_its_name_size_and_time()
    {
        var content = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 123);
        var remote = Drop(content);
        var mtime = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(remote, mtime);
        var connection = await data.ConnectionAsync();
        var destination = Path.Combine(_landing, "pulled", "file.csv");

        var result = await data.Fetcher(_clock).FetchAsync(data.TenantA, connection.Id, Relative(remote), destination, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(destination));
        Assert.Equal("contacts.csv", result.FileName);
        Assert.Equal(content.Length, result.Size);
        Assert.Equal(remote, result.RemotePath);
        Assert.Equal(new DateTimeOffset(mtime), result.LastWriteTime);
        Assert.Equal([destination], Directory.GetFiles(Path.GetDirectoryName(destination)!));
    }

    [Fact]
    public async Task Password_authentication_fetches_too()
    {
        var sftp = LocalSftp.Shared;
        Assert.True(sftp.Password is not null, "password authentication needs the tests to run as root (they create a throwaway system user)");
        var remote = Drop("client_id\nC1\n"u8.ToArray());
        var connection = await data.ConnectionAsync(credentials: new SftpCredentials(sftp.Password, null, null));

        await data.Fetcher(_clock).FetchAsync(data.TenantA, connection.Id, remote, Path.Combine(_landing, "pw.csv"), CancellationToken.None);

        Assert.Equal("client_id\nC1\n", await File.ReadAllTextAsync(Path.Combine(_landing, "pw.csv")));
    }

    [Fact]
    public async Task A_server_that_is_down_is_retried_then_fails_saying_so()
    {
        var port = LocalProcess.FreePort();
        var connection = await data.ConnectionAsync(port: port);
        var destination = Path.Combine(_landing, "down.csv");

        var e = await Assert.ThrowsAsync<SftpFetchException>(() =>
            data.Fetcher(_clock).FetchAsync(data.TenantA, connection.Id, "contacts.csv", destination, CancellationToken.None));

        Assert.Equal(SftpFailure.Refused, e.Failure);
        Assert.Equal(3, e.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], _clock.Waits);
        Assert.Equal($"the SFTP server 127.0.0.1:{port} refused the connection after 3 attempts", e.Message);
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_speaks_times_out_and_is_retried()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(16);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var connection = await data.ConnectionAsync(port: port);
        var options = SftpDatabase.Options with { ConnectTimeout = TimeSpan.FromMilliseconds(300), Attempts = 2 };

        var e = await Assert.ThrowsAsync<SftpFetchException>(() =>
            data.Fetcher(_clock, options).FetchAsync(data.TenantA, connection.Id, "contacts.csv", Path.Combine(_landing, "silent.csv"), CancellationToken.None));

        Assert.Equal(SftpFailure.Timeout, e.Failure);
        Assert.Equal(2, e.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1)], _clock.Waits);
        Assert.Contains($"127.0.0.1:{port} did not answer in time", e.Message);
    }

    [Fact]
    public async Task A_host_key_mismatch_is_not_retried_and_names_both_fingerprints()
    {
        var pinned = HostKeyFingerprint.Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');
        var connection = await data.ConnectionAsync(fingerprint: pinned);

        var e = await Assert.ThrowsAsync<SftpFetchException>(() =>
            data.Fetcher(_clock).FetchAsync(data.TenantA, connection.Id, "contacts.csv", Path.Combine(_landing, "mitm.csv"), CancellationToken.None));

        Assert.Equal(SftpFailure.HostKeyMismatch, e.Failure);
        Assert.Equal(1, e.Attempts);
        Assert.Empty(_clock.Waits);
        Assert.Equal($"host key mismatch: expected {pinned}, the server offered {LocalSftp.Shared.HostKeyFingerprint}", e.Message);
        Assert.Equal(LocalSftp.Shared.HostKeyFingerprint, e.OfferedFingerprint);
    }

    [Fact]
    public async Task A_rejected_key_and_a_missing_file_are_not_retried()
    {
        var stranger = await data.ConnectionAsync(credentials: new SftpCredentials(null, LocalSftp.Shared.NewKey(authorize: false), null));
        var auth = await Assert.ThrowsAsync<SftpFetchException>(() =>
            data.Fetcher(_clock).FetchAsync(data.TenantA, stranger.Id, "contacts.csv", Path.Combine(_landing, "auth.csv"), CancellationToken.None));
        Assert.Equal(SftpFailure.AuthenticationFailed, auth.Failure);
        Assert.Equal(1, auth.Attempts);
        Assert.Contains($"rejected the credentials of user \"{LocalSftp.Shared.Username}\"", auth.Message);

        var connection = await data.ConnectionAsync();
        var missing = await Assert.ThrowsAsync<SftpFetchException>(() =>
            data.Fetcher(_clock).FetchAsync(data.TenantA, connection.Id, "in/nothing.csv", Path.Combine(_landing, "none.csv"), CancellationToken.None));
        Assert.Equal(SftpFailure.NotFound, missing.Failure);
        Assert.Equal($"no such file on the server: {LocalSftp.Shared.Root}/in/nothing.csv", missing.Message);
        Assert.False(File.Exists(Path.Combine(_landing, "none.csv")));
        Assert.Empty(Directory.GetFiles(_landing));
        Assert.Empty(_clock.Waits);
    }

    [Fact]
    public async Task Paths_that_climb_or_leave_the_base_path_are_refused_before_connecting()
    {
        var connection = await data.ConnectionAsync(port: LocalProcess.FreePort());
        foreach (var path in new[] { "../etc/passwd", "in/../../x.csv", "/etc/passwd", "" })
        {
            var e = await Assert.ThrowsAsync<SftpFetchException>(() =>
                data.Fetcher(_clock).FetchAsync(data.TenantA, connection.Id, path, Path.Combine(_landing, "x.csv"), CancellationToken.None));
            Assert.Equal(SftpFailure.InvalidPath, e.Failure);
        }
    }

    [Fact]
    public async Task Another_tenants_connection_cannot_be_used()
    {
        var connection = await data.ConnectionAsync();
        var e = await Assert.ThrowsAsync<SftpFetchException>(() =>
            data.Fetcher(_clock).FetchAsync(data.TenantB, connection.Id, "contacts.csv", Path.Combine(_landing, "b.csv"), CancellationToken.None));
        Assert.Equal(SftpFailure.NoSuchConnection, e.Failure);
    }

    public void Dispose()
    {
        try { Directory.Delete(_landing, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
