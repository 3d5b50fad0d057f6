using System.Data;
using System.Net;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Migrations;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Our membership SQL (Sql/0033) under the real Microsoft.Orleans.Clustering.AdoNet 10.4.2 provider, on real
/// PostgreSQL: what it stores and reads back, and that a writer holding a stale table version changes nothing.
/// </summary>
public sealed class MembershipTableTests : IAsyncLifetime
{
    private static readonly DateTime Now = Millis(DateTime.UtcNow);
    private string _postgres = "";
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _postgres = OrleansHosting.UtcPinned(await LocalPostgres.CreateDatabaseAsync("membership"));
        _db = NpgsqlDataSource.Create(_postgres);
        await new MigrationRunner(_db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_silo_is_inserted_read_updated_and_kept_alive()
    {
        var table = await TableAsync("c1");
        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var silo = Entry(11111, SiloStatus.Joining);
        silo.SiloName = "silo-a";
        silo.HostName = "host-a";
        Assert.True(await table.InsertRowAsync(silo, empty.Version));

        var afterInsert = await table.ReadAllAsync();
        Assert.Equal(1, afterInsert.Version.Version);
        var (read, etag) = Assert.Single(afterInsert.Members);
        Assert.Equal("1", etag);
        Assert.Equal(silo.SiloAddress, read.SiloAddress);
        Assert.Equal(("silo-a", "host-a", SiloStatus.Joining, 30000), (read.SiloName, read.HostName, read.Status, read.ProxyPort));
        Assert.Equal((silo.StartTime, silo.IAmAliveTime), (read.StartTime, read.IAmAliveTime));
        Assert.Equal(DateTimeKind.Utc, read.StartTime.Kind);
        Assert.Null(read.SuspectTimes);

        // One row by address, with the table version; an address not in the table gives the version alone.
        var row = await table.ReadRowAsync(silo.SiloAddress);
        Assert.Equal(silo.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        var none = await table.ReadRowAsync(Entry(22222, SiloStatus.Active).SiloAddress);
        Assert.Empty(none.Members);
        Assert.Equal(1, none.Version.Version);

        var suspector = Entry(33333, SiloStatus.Active).SiloAddress;
        silo.Status = SiloStatus.Active;
        silo.IAmAliveTime = Now.AddSeconds(5);
        silo.SuspectTimes = [Tuple.Create(suspector, Now.AddSeconds(3))];
        Assert.True(await table.UpdateRowAsync(silo, etag, afterInsert.Version));
        var afterUpdate = await table.ReadAllAsync();
        Assert.Equal(2, afterUpdate.Version.Version);
        var updated = Assert.Single(afterUpdate.Members).Item1;
        Assert.Equal((SiloStatus.Active, Now.AddSeconds(5)), (updated.Status, updated.IAmAliveTime));
        Assert.NotNull(updated.SuspectTimes);
        var vote = Assert.Single(updated.SuspectTimes);
        Assert.Equal((suspector, Now.AddSeconds(3)), (vote.Item1, vote.Item2));

        // A heartbeat is not a membership change: the time moves, the version does not.
        silo.IAmAliveTime = Now.AddSeconds(30);
        await table.UpdateIAmAliveAsync(silo);
        var afterHeartbeat = await table.ReadAllAsync();
        Assert.Equal(2, afterHeartbeat.Version.Version);
        Assert.Equal(Now.AddSeconds(30), Assert.Single(afterHeartbeat.Members).Item1.IAmAliveTime);
    }

    [Fact]
    public async Task A_writer_with_a_stale_version_changes_nothing()
    {
        var table = await TableAsync("c2");
        var v0 = (await table.ReadAllAsync()).Version;
        var a = Entry(11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(a, v0));

        // Insert and update with version 0 after the table moved to 1: refused, and nothing written.
        Assert.False(await table.InsertRowAsync(Entry(22222, SiloStatus.Active), v0));
        var dead = Entry(11111, SiloStatus.Dead);
        Assert.False(await table.UpdateRowAsync(dead, v0.VersionEtag, v0));
        var v1 = await table.ReadAllAsync();
        Assert.Equal(1, v1.Version.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(v1.Members).Item1.Status);

        // With the current version: a silo already there cannot be inserted again, one not there cannot be
        // updated, and neither moves the version.
        Assert.False(await table.InsertRowAsync(Entry(11111, SiloStatus.Joining), v1.Version));
        Assert.False(await table.UpdateRowAsync(Entry(44444, SiloStatus.Dead), v1.Version.VersionEtag, v1.Version));
        var still = await table.ReadAllAsync();
        Assert.Equal(1, still.Version.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(still.Members).Item1.Status);
    }

    [Fact]
    public async Task Of_many_silos_writing_with_the_same_version_exactly_one_wins()
    {
        var tables = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TableAsync("c3")));
        var version = (await tables[0].ReadAllAsync()).Version;

        var results = await Task.WhenAll(tables.Select((t, i) => Task.Run(() => t.InsertRowAsync(Entry(20000 + i, SiloStatus.Joining), version))));

        Assert.Single(results, won => won);
        var after = await tables[0].ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task A_second_silo_starting_keeps_the_table_and_clusters_do_not_see_each_other()
    {
        var first = await TableAsync("c4");
        Assert.True(await first.InsertRowAsync(Entry(11111, SiloStatus.Active), (await first.ReadAllAsync()).Version));

        var second = await TableAsync("c4");
        var seen = await second.ReadAllAsync();
        Assert.Equal(1, seen.Version.Version);
        Assert.Single(seen.Members);

        var other = await TableAsync("c4-other");
        Assert.Empty((await other.ReadAllAsync()).Members);

        await first.DeleteMembershipTableEntriesAsync("c4");
        await using var cmd = _db.CreateCommand("SELECT count(*) FROM orleans_membership_version WHERE cluster_id IN ('c4', 'c4-other')");
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
        Assert.Empty((await other.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_with_a_proxy_port()
    {
        var table = await TableAsync("c5");
        var active = Entry(11111, SiloStatus.Active);
        var joining = Entry(22222, SiloStatus.Joining);
        var noGateway = Entry(33333, SiloStatus.Active);
        noGateway.ProxyPort = 0;
        foreach (var e in new[] { active, joining, noGateway })
            Assert.True(await table.InsertRowAsync(e, (await table.ReadAllAsync()).Version));

        var gateways = new AdoNetGatewayListProvider(NullLogger<AdoNetGatewayListProvider>.Instance, new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = OrleansHosting.StorageInvariant, ConnectionString = _postgres }),
            Options.Create(new GatewayOptions()), Options.Create(new ClusterOptions { ClusterId = "c5", ServiceId = "c5" }));
        await gateways.InitializeGatewayListProviderAsync();

        Assert.Equal([SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 30000), active.SiloAddress.Generation).ToGatewayUri()],
            await gateways.GetGatewaysAsync());
    }

    [Theory]
    [InlineData(true)]  // 10.4.2 prefers CleanupDefunctSiloEntryKey: a dead silo whose row is unchanged since it was read
    [InlineData(false)] // without it, CleanupDefunctSiloEntriesKey: any silo not active and not seen since the cutoff
    public async Task Cleanup_removes_only_silos_long_gone(bool rowByRow)
    {
        if (!rowByRow)
        {
            await using var drop = _db.CreateCommand("DELETE FROM orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
            Assert.Equal(1, await drop.ExecuteNonQueryAsync());
        }
        var table = await TableAsync("c6");
        var old = Now.AddDays(-10);
        var longDead = Entry(11111, SiloStatus.Dead, old);
        var recentlyDead = Entry(22222, SiloStatus.Dead);
        var silentButActive = Entry(33333, SiloStatus.Active, old);
        var stuckJoining = Entry(44444, SiloStatus.Joining, old);
        foreach (var e in new[] { longDead, recentlyDead, silentButActive, stuckJoining })
            Assert.True(await table.InsertRowAsync(e, (await table.ReadAllAsync()).Version));
        // Declared dead long ago by another silo: the vote must not keep the row (it is matched as read back).
        longDead.SuspectTimes = [Tuple.Create(silentButActive.SiloAddress, old)];
        var version = (await table.ReadAllAsync()).Version;
        Assert.True(await table.UpdateRowAsync(longDead, version.VersionEtag, version));

        await table.CleanupDefunctSiloEntriesAsync(Now.AddDays(-7));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order().ToList();
        int[] expected = rowByRow ? [22222, 33333, 44444] : [22222, 33333];
        Assert.Equal(expected, left);
    }

    [Fact]
    public async Task A_dead_silo_whose_row_changed_after_it_was_read_is_not_cleaned_up()
    {
        var table = await TableAsync("c7");
        var old = Now.AddDays(-10);
        var silo = Entry(11111, SiloStatus.Dead, old);
        Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version));
        var asRead = Assert.Single((await table.ReadAllAsync()).Members).Item1;

        silo.IAmAliveTime = old.AddMinutes(1);
        await table.UpdateIAmAliveAsync(silo);

        // The statement the 10.4.2 provider runs per dead silo, bound as it binds it.
        Assert.Equal(0, await CleanupOneAsync(asRead));
        var current = Assert.Single((await table.ReadAllAsync()).Members).Item1;
        Assert.Equal(1, await CleanupOneAsync(current));
        Assert.Empty((await table.ReadAllAsync()).Members);

        async Task<int> CleanupOneAsync(MembershipEntry e)
        {
            await using var get = _db.CreateCommand("SELECT querytext FROM orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
            await using var cmd = _db.CreateCommand((string)(await get.ExecuteScalarAsync())!);
            cmd.Parameters.Add(new NpgsqlParameter("DeploymentId", DbType.String) { Value = "c7" });
            cmd.Parameters.Add(new NpgsqlParameter("Address", DbType.AnsiString) { Value = e.SiloAddress.Endpoint.Address.ToString() });
            cmd.Parameters.Add(new NpgsqlParameter("Port", DbType.Int32) { Value = e.SiloAddress.Endpoint.Port });
            cmd.Parameters.Add(new NpgsqlParameter("Generation", DbType.Int32) { Value = e.SiloAddress.Generation });
            cmd.Parameters.Add(new NpgsqlParameter("SuspectTimes", DbType.String) { Value = DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("StartTime", DbType.DateTime) { Value = e.StartTime });
            cmd.Parameters.Add(new NpgsqlParameter("IAmAliveTime", DbType.DateTime) { Value = e.IAmAliveTime });
            return await cmd.ExecuteNonQueryAsync();
        }
    }

    private async Task<AdoNetClusteringTable> TableAsync(string cluster)
    {
        var table = new AdoNetClusteringTable(new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = cluster, ServiceId = cluster }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = OrleansHosting.StorageInvariant, ConnectionString = _postgres }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime? at = null) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 42),
        Status = status,
        ProxyPort = 30000,
        SiloName = $"silo-{port}",
        HostName = "host",
        StartTime = at ?? Now,
        IAmAliveTime = at ?? Now,
    };

    /// <summary>PostgreSQL keeps microseconds and Orleans prints suspect votes to the millisecond.</summary>
    private static DateTime Millis(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
