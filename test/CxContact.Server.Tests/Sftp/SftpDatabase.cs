using CxContact.Server.Platform.Secrets;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Migrations;
using CxContact.Server.Sftp;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CxContact.Server.Tests.Sftp;

/// <summary>
/// A migrated database of its own with two tenants, and the SFTP store over it: enough to drive the fetcher the way
/// the import pipeline will, without a whole server.
/// </summary>
public sealed class SftpDatabase : IAsyncLifetime
{
    public NpgsqlDataSource Db { get; private set; } = null!;
    public SftpConnectionStore Store { get; private set; } = null!;
    public Guid TenantA { get; } = Guid.CreateVersion7();
    public Guid TenantB { get; } = Guid.CreateVersion7();

    public async Task InitializeAsync()
    {
        Db = NpgsqlDataSource.Create(await LocalPostgres.CreateDatabaseAsync("sftp"));
        await new MigrationRunner(Db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All);
        foreach (var (id, name) in new[] { (TenantA, "SFTP A"), (TenantB, "SFTP B") })
        {
            await using var cmd = Db.CreateCommand("INSERT INTO tenants (tenant_id, name) VALUES (@id, @name)");
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("name", name);
            await cmd.ExecuteNonQueryAsync();
        }
        Store = new SftpConnectionStore(Db, new SecretsKey(Db, null, NullLogger<SecretsKey>.Instance), PlatformClock.Real);
    }

    public SftpRetry Retry(InstantClock clock, SftpOptions options) => new(Store, options, new PlatformClock(clock), NullLogger<SftpRetry>.Instance);

    public SftpUploader Uploader(InstantClock clock, SftpOptions? options = null)
    {
        var o = options ?? Options;
        return new SftpUploader(Retry(clock, o), new SftpDialer(o, LoopbackAllowed), o);
    }

    /// <summary>
    /// A fetcher with the production retry schedule on a clock that only records its waits, so that a dead server
    /// fails in milliseconds and the test can still see the backoff it asked for.
    /// </summary>
    public SftpFetcher Fetcher(InstantClock clock, SftpOptions? options = null)
    {
        var o = options ?? Options;
        return new SftpFetcher(Retry(clock, o), new SftpDialer(o, LoopbackAllowed), o);
    }

    /// <summary>The tests' SFTP server listens on loopback: allowed here as an operator would allow a partner's network.</summary>
    public static SftpDestinationPolicy LoopbackAllowed { get; } = new([System.Net.IPNetwork.Parse("127.0.0.0/8")], new HashSet<int>());

    public static SftpOptions Options { get; } = new() { ConnectTimeout = TimeSpan.FromSeconds(10), IdleTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>A connection of tenant A to the local SFTP server, by key, rooted at its directory.</summary>
    public Task<SftpConnection> ConnectionAsync(int? port = null, string? fingerprint = null, SftpCredentials? credentials = null, Guid? tenant = null)
    {
        var sftp = LocalSftp.Shared;
        return Store.CreateAsync(tenant ?? TenantA,
            new SftpConnectionSettings("c-" + Guid.NewGuid().ToString("N")[..8], sftp.Host, port ?? sftp.Port, sftp.Username,
                fingerprint ?? sftp.HostKeyFingerprint, sftp.Root),
            credentials ?? new SftpCredentials(null, sftp.PrivateKey, null), null, CancellationToken.None);
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();
}
