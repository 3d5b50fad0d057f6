using CxContact.Server.Tests.Campaigns;
using Npgsql;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// What the Outbound DB holds about dialing, imports and preloads: the oracle fault tests compare what the API answered
/// with, and the way they follow work the API cannot be asked about while a silo or the database is away.
/// </summary>
public sealed class OutboundTables(string postgres)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>An import job's state and the worker (host:silo port) that took it last.</summary>
    public async Task<(string? State, string? Worker)> ImportJobAsync(Guid import)
    {
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand("SELECT state, worker FROM list_imports WHERE import_id = @i");
        cmd.Parameters.AddWithValue("i", import);
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)) : (null, null);
    }

    /// <summary>Polls until the condition holds; fails after <see cref="Patience"/> naming what it waited for.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        if (!await Eventually.UntilAsync(condition, Patience)) throw new TimeoutException($"waited {Patience} for {what}");
    }

    /// <summary>Every result row of the campaign, by (lease, record).</summary>
    public async Task<Dictionary<(Guid Lease, long Record), string>> ResultsAsync(Guid campaign)
    {
        var rows = new Dictionary<(Guid, long), string>();
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand("SELECT lease_id, record_id, result FROM campaign_results WHERE campaign_id = @c");
        cmd.Parameters.AddWithValue("c", campaign);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add((r.GetGuid(0), r.GetInt64(1)), r.GetString(2));
        return rows;
    }

    /// <summary>The attempt history written for the campaign's results (call_attempts).</summary>
    public Task<long> AttemptsAsync(Guid campaign) =>
        ScalarAsync("SELECT count(*) FROM call_attempts WHERE campaign_id = @c", campaign.ToString());

    /// <summary>When each lease of the campaign was made and when it expires.</summary>
    public async Task<Dictionary<Guid, (DateTimeOffset Created, DateTimeOffset Expires)>> LeasesAsync(Guid campaign)
    {
        var rows = new Dictionary<Guid, (DateTimeOffset, DateTimeOffset)>();
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand("SELECT lease_id, created_at, expires_at FROM campaign_leases WHERE campaign_id = @c");
        cmd.Parameters.AddWithValue("c", campaign);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetGuid(0), (r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2)));
        return rows;
    }

    /// <summary>The campaign's calling-list rows by record status (1 ready, 2 leased, 3 updated, ...).</summary>
    public async Task<Dictionary<int, long>> StatusesAsync(Guid campaign)
    {
        var rows = new Dictionary<int, long>();
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand($"SELECT record_status, count(*) FROM {Server.Campaigns.CampaignStore.PartitionName(campaign)} GROUP BY 1");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetInt16(0), r.GetInt64(1));
        return rows;
    }

    /// <summary>Rows in a contact list's partition.</summary>
    public Task<long> ContactsAsync(Guid list) => ScalarAsync($"SELECT count(*) FROM {Server.Lists.ContactListStore.PartitionName(list)}", null);

    /// <summary>Preload history rows of a campaign still marked running.</summary>
    public Task<long> RunningPreloadsAsync(Guid campaign) =>
        ScalarAsync("SELECT count(*) FROM campaign_preloads WHERE campaign_id::text = @c AND state = 'running'", campaign.ToString());

    /// <summary>
    /// Asserts the dialing outcome: every result that got 200 is in PostgreSQL as it was sent, nothing else is, each
    /// has exactly one attempt in the history, and no record was leased twice at once (a record in several granted
    /// leases was in each only after the one before had expired without a result).
    /// </summary>
    public async Task AssertMatchesAsync(Guid campaign, params RetryingDialer[] dialers)
    {
        var results = await ResultsAsync(campaign);
        var taken = dialers.SelectMany(d => d.Taken).ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(taken.OrderBy(t => t.Key).ToList(), results.OrderBy(t => t.Key).ToList());
        Assert.Equal(results.Count, await AttemptsAsync(campaign));
        Assert.Equal(results.Count, results.Keys.Select(k => k.Record).Distinct().Count());

        var leases = await LeasesAsync(campaign);
        foreach (var byRecord in dialers.SelectMany(d => d.Grants).SelectMany(g => g.Records.Select(r => (Record: r, g.LeaseId))).GroupBy(x => x.Record))
        {
            var held = byRecord.Select(x => (x.LeaseId, Times: leases[x.LeaseId])).OrderBy(x => x.Times.Created).ToList();
            for (var i = 1; i < held.Count; i++)
            {
                Assert.True(held[i].Times.Created >= held[i - 1].Times.Expires,
                    $"record {byRecord.Key} was leased by {held[i].LeaseId} at {held[i].Times.Created:O} while lease {held[i - 1].LeaseId} held it until {held[i - 1].Times.Expires:O}");
                Assert.False(results.ContainsKey((held[i - 1].LeaseId, byRecord.Key)), $"record {byRecord.Key} was leased again after its result");
            }
        }
    }

    private async Task<long> ScalarAsync(string sql, string? campaign)
    {
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand(sql);
        if (campaign is not null) cmd.Parameters.AddWithValue("c", campaign);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
