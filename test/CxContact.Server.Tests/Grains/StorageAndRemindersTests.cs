using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Infrastructure.TestGrains;
using Npgsql;

namespace CxContact.Server.Tests.Grains;

/// <summary>Our own PostgreSQL implementation of the Orleans ADO.NET query contract, through real grains.</summary>
public sealed class StorageAndRemindersTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Fact]
    public async Task State_survives_a_restart_of_the_whole_cluster()
    {
        var id = Guid.CreateVersion7();
        var grain = cluster.Grains.GetGrain<IProbeGrain>(id);
        await grain.IncrementAsync();
        await grain.IncrementAsync();
        Assert.Equal(3, await grain.IncrementAsync());

        await cluster.RestartAsync();

        var again = cluster.Grains.GetGrain<IProbeGrain>(id);
        Assert.Equal(3, await again.GetAsync());
        Assert.Equal(4, await again.IncrementAsync());
    }

    [Fact]
    public async Task A_reminder_registered_before_a_restart_fires_after_it()
    {
        var id = Guid.CreateVersion7();
        await cluster.Grains.GetGrain<IProbeGrain>(id).StartReminderAsync(TimeSpan.FromSeconds(3));

        await cluster.RestartAsync(); // well before the reminder is due

        var grain = cluster.Grains.GetGrain<IProbeGrain>(id);
        var ticks = await Eventually.UntilAsync(() => grain.GetTicksAsync(), n => n > 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.True(ticks >= 1, "the reminder did not fire within 60 s of the restart");
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused()
    {
        var id = Guid.CreateVersion7();
        var grain = cluster.Grains.GetGrain<IProbeGrain>(id);
        await grain.IncrementAsync();
        var etag = await grain.GetETagAsync();
        Assert.Equal("1", etag);

        // Someone else (a split-brain twin) wrote meanwhile: the row's version moved on.
        await using (var db = NpgsqlDataSource.Create(cluster.Postgres))
        await using (var cmd = db.CreateCommand("UPDATE orleans_grain_state SET version = version + 1 WHERE modified_at = (SELECT max(modified_at) FROM orleans_grain_state)"))
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());

        var e = await Assert.ThrowsAnyAsync<Exception>(() => grain.IncrementAsync());
        Assert.Contains("Version conflict", e.ToString());
    }

    [Fact]
    public async Task Clearing_state_deletes_the_row_and_the_grain_starts_again_from_zero()
    {
        var id = Guid.CreateVersion7();
        var grain = cluster.Grains.GetGrain<IProbeGrain>(id);
        await grain.IncrementAsync();
        await grain.IncrementAsync();
        var before = await CountRowsAsync();

        await grain.ClearAsync();

        Assert.Equal(before - 1, await CountRowsAsync());
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, await grain.IncrementAsync());
    }

    private async Task<long> CountRowsAsync()
    {
        await using var db = NpgsqlDataSource.Create(cluster.Postgres);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM orleans_grain_state");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
