using System.Net;
using CxContact.Server.Lists;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// PostgreSQL restarted (stopped, then started on the same data directory) under a running server process. The server
/// comes back by itself; leases and results sent meanwhile are refused with 503 and Retry-After, and a dialer that sends
/// them again afterwards gets 200; an import and a preload cut off by the restart end (they run again) instead of staying
/// "running"; and PostgreSQL holds exactly the results that got 200. A database of its own, which the test restarts.
/// </summary>
public sealed class PostgresRestartTests
{
    private static readonly TimeSpan Patience = OutboundTables.Patience;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task The_server_waits_out_a_database_restart_and_loses_applies_twice_or_strands_nothing()
    {
        using var pg = PrivatePostgres.Start();
        var postgres = await pg.CreateDatabaseAsync("pg_restart");
        using var deployment = new ServerDeployment(postgres, LocalRedis.ConfigurationString);
        await using var server = deployment.Start();
        var ready = server.BaseUrl + "/health/ready";
        await server.WaitForAsync(ready, _ => true, TimeSpan.FromSeconds(120));
        var c = await CampaignClient.NewTenantAsync(server.Client(deployment.AdminKey), server.Client);
        var tables = new OutboundTables(postgres);

        // A running campaign of 30, and a lease of 20 of them taken before the restart; 5 results reported.
        var campaign = await c.CreateAsync(await c.ListAsync(0, CampaignClient.BerlinCsv(30)));
        await c.StartAsync(campaign);
        var dialer = new RetryingDialer(() => c.Dialer);
        var (_, lease) = await dialer.LeaseAsync(campaign, 20);
        Assert.True(lease is { Records.Count: 20 }, "the first lease did not get 20 records");
        foreach (var record in lease.Records.Take(5)) Assert.True(await dialer.ReportAsync(campaign, lease.LeaseId, record, "answered", Patience));


        // A preload and an import that are running when PostgreSQL stops: each waits on a lock of its list's table.
        var preloaded = await c.ListAsync(0, CampaignClient.BerlinCsv(25, first: 101));
        var preloading = await c.CreateAsync(preloaded);
        var imported = await c.Lists.CreateListAsync();
        var hold = await TableLock.TakeAsync(postgres, ContactListStore.PartitionName(preloaded), ContactListStore.PartitionName(imported));
        Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(preloading, "preload")).StatusCode);
        var import = await c.Lists.QueueImportAsync(imported, CampaignClient.BerlinCsv(20, first: 201));
        await OutboundTables.UntilAsync(async () => (await tables.ImportJobAsync(import)).State == "running", "the import to start");

        pg.Stop();
        await hold.DisposeAsync();
        var down = DateTime.UtcNow;
        // Meanwhile: results and leases are refused with 503 and Retry-After, and readiness says why.
        var refused = lease.Records.Skip(5).Take(5).ToList();
        foreach (var record in refused)
        {
            var (answer, _, _) = await dialer.SendAsync("POST results (database down)",
                h => h.PostJson($"/api/v1/campaigns/{campaign}/results", new { leaseId = lease.LeaseId, recordId = record, result = "answered" }));
            Assert.Equal(503, answer);
        }
        Assert.Equal(503, (await dialer.LeaseAsync(campaign, 5)).Status);
        using (var health = new HttpClient())
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await health.GetAsync(ready)).StatusCode);
        // Down for a few seconds, as a restart of a real server is: long enough for the work cut off to try again meanwhile.
        await Task.Delay(Outage - (DateTime.UtcNow - down));
        pg.StartAgain();

        // The server comes back by itself; the refused results are sent again and taken, then the rest of the campaign.
        await server.WaitForAsync(ready, _ => true, Patience);
        foreach (var record in refused) Assert.True(await dialer.ReportAsync(campaign, lease.LeaseId, record, "answered", Patience), $"result for {record} not taken");
        foreach (var record in lease.Records.Skip(10)) Assert.True(await dialer.ReportAsync(campaign, lease.LeaseId, record, "answered", Patience));
        var (_, rest) = await dialer.LeaseAsync(campaign, 20);
        Assert.True(rest is { Records.Count: 10 }, $"the rest of the campaign was not leased: {rest?.Records.Count}");
        foreach (var record in rest!.Records) Assert.True(await dialer.ReportAsync(campaign, rest.LeaseId, record, "answered", Patience));

        // The cut-off import ended: succeeded with exactly the file's rows, or failed with its reason and none.
        var status = await c.Lists.WaitAsync(imported, import);
        var rows = await tables.ContactsAsync(imported);
        if (status.GetProperty("state").GetString() == "succeeded") Assert.Equal(20, rows);
        else Assert.True(rows == 0 && status.GetProperty("error").GetString() is { Length: > 0 }, $"failed without its reason, or with rows: {status}");
        // ... and the list says so: its counts are what its table holds.
        Assert.Equal(rows, (await c.Lists.ListAsync(imported)).GetProperty("records").GetInt64());
        // The cut-off preload ran again and ended ready with every contact; nothing of it is left running.
        var after = await c.SettledAsync(preloading);
        Assert.True(after.GetProperty("state").GetString() == "ready", after.ToString());
        Assert.Equal(25, after.GetProperty("lastPreload").GetProperty("rows").GetInt64());
        Assert.Equal(25, (await tables.StatusesAsync(preloading)).Values.Sum());
        Assert.Equal(0, await tables.RunningPreloadsAsync(preloading));

        // PostgreSQL holds exactly the results that got 200, each once, with one attempt each; no 500 was ever answered.
        await tables.AssertMatchesAsync(campaign, dialer);
        Assert.Equal(30, dialer.Taken.Count);
        Assert.Equal(30, (await tables.StatusesAsync(campaign)).GetValueOrDefault(3));
        dialer.AssertKeptTheContract();
    }
}
