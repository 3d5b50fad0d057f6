using System.Net;
using System.Text.Json;
using CxContact.Server.Lists;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// kill -9 of one silo of two while dialers lease and report, while it preloads a campaign and while it imports a list.
/// B starts alone, so the campaign and list grains, the preload and the import are all its own; then A joins and
/// serves the dialers, and B is killed. A answers 503 with Retry-After while the cluster finds B dead (never 500), then
/// takes its grains over; the preload and the import end on A; the records B had leased go back to the pool when
/// their lease expires; and PostgreSQL holds exactly the results that got 200, with no record leased twice at once.
/// </summary>
public sealed class SiloKillTests
{
    private const int Contacts = 40;
    private const int LeaseSeconds = 10;
    private static readonly TimeSpan Patience = OutboundTables.Patience;

    [Fact]
    public async Task The_survivor_takes_over_a_killed_silos_grains_preload_import_and_leases_without_a_500_or_a_lost_result()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("silo_kill");
        using var deployment = new ServerDeployment(postgres, LocalRedis.ConfigurationString);
        await using var b = deployment.Start();
        await b.WaitForAsync(b.BaseUrl + "/health/ready", _ => true, TimeSpan.FromSeconds(120));
        var onB = await CampaignClient.NewTenantAsync(b.Client(deployment.AdminKey), b.Client);
        var tables = new OutboundTables(postgres);

        // On B, the only silo: a running campaign, a campaign preloading and an import running (both held on locks).
        var dialed = await onB.CreateAsync(await onB.ListAsync(0, CampaignClient.BerlinCsv(Contacts)), LeaseSeconds);
        await onB.StartAsync(dialed);
        var preloadedList = await onB.ListAsync(0, CampaignClient.BerlinCsv(30, first: 1001));
        var preloading = await onB.CreateAsync(preloadedList);
        var imported = await onB.Lists.CreateListAsync();
        var hold = await TableLock.TakeAsync(postgres, ContactListStore.PartitionName(preloadedList), ContactListStore.PartitionName(imported));
        Assert.Equal(HttpStatusCode.Accepted, (await onB.ActAsync(preloading, "preload")).StatusCode);
        var import = await onB.Lists.QueueImportAsync(imported, CampaignClient.BerlinCsv(25, first: 2001));
        await OutboundTables.UntilAsync(async () => (await tables.ImportJobAsync(import)).Worker == ServerDeployment.WorkerName(b), "B to take the import");

        // A joins; the dialers use A's API, and one dialer B's (its leases are lost with B).
        await using var a = deployment.Start();
        await a.WaitForAsync(a.BaseUrl + "/health/ready", body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(120));
        var onA = new CampaignClient(a.Client(onB.Keys.Admin), a.Client(onB.Keys.Dialer));
        var dialer = new RetryingDialer(() => onA.Dialer);
        var lostWithB = new RetryingDialer(() => onB.Dialer);
        var (_, lost) = await lostWithB.LeaseAsync(dialed, 3);
        Assert.True(lost is { Records.Count: 3 }, "B did not lease");
        using var stop = new CancellationTokenSource();
        var dialing = DialAsync(dialer, dialed, stop.Token);
        var reader = new RetryingDialer(() => onA.Http);
        var reading = ReadAsync(reader, [$"/api/v1/campaigns/{dialed}", $"/api/v1/contact-lists/{preloadedList}"], stop.Token);
        await OutboundTables.UntilAsync(() => Task.FromResult(dialer.Taken.Count >= 3), "the dialer to report through A");

        b.Kill();
        var killed = DateTimeOffset.UtcNow;
        await hold.DisposeAsync();

        // A dials the campaign to its end: what B had leased comes back once its lease expires.
        await OutboundTables.UntilAsync(() => Task.FromResult(dialer.Taken.Count == Contacts || dialing.IsCompleted), "the campaign to be dialed through");
        await stop.CancelAsync();
        await dialing;
        await reading;
        Assert.Equal(Contacts, dialer.Taken.Count);
        Assert.Contains(dialer.Taken.Keys, k => lost.Records.Contains(k.Record) && k.Lease != lost.LeaseId);
        // Reads answered all along, but for the grains B had while the cluster found it dead; then A had them.
        Assert.Contains(reader.Answers, x => x.Status == 200 && x.At > killed && x.Request.StartsWith("GET /api/v1/campaigns"));
        Assert.Contains(reader.Answers, x => x.Status == 200 && x.At > killed && x.Request.StartsWith("GET /api/v1/contact-lists"));

        // The preload B was running ends on A, with every contact of its list.
        var after = await SettledAsync(onA, preloading);
        Assert.True(after.GetProperty("state").GetString() == "ready", after.ToString());
        Assert.Equal(30, after.GetProperty("lastPreload").GetProperty("rows").GetInt64());
        Assert.Equal(30, (await tables.StatusesAsync(preloading)).Values.Sum());
        Assert.Equal(0, await tables.RunningPreloadsAsync(preloading));

        // The import B was running ends on A (once B's heartbeat is old), with exactly the file's rows.
        var status = await onA.Lists.WaitAsync(imported, import);
        ListClient.Succeeded(status);
        Assert.Equal(25, await tables.ContactsAsync(imported));
        Assert.Equal(25, (await onA.Lists.ListAsync(imported)).GetProperty("records").GetInt64());
        Assert.Equal(ServerDeployment.WorkerName(a), (await tables.ImportJobAsync(import)).Worker);

        // PostgreSQL: exactly the results that got 200, each once with its attempt, no record leased twice at once,
        // nothing left leased; and no answer was a 500.
        await tables.AssertMatchesAsync(dialed, dialer, lostWithB);
        Assert.Equal(Contacts, (await tables.StatusesAsync(dialed)).GetValueOrDefault(3));
        dialer.AssertKeptTheContract();
        lostWithB.AssertKeptTheContract();
        reader.AssertKeptTheContract();
    }

    /// <summary>A dialer on A: lease a few, report each as answered (again after each 503), until nothing is left or told to stop.</summary>
    private static async Task DialAsync(RetryingDialer dialer, Guid campaign, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (status, grant) = await dialer.LeaseAsync(campaign, 3);
            if (status == 409) return; // completed: nothing left to dial
            if (grant is null || grant.Records.Count == 0) { await Task.Delay(status == 503 ? 500 : 250, CancellationToken.None); continue; }
            // A result refused with 409 came after its lease expired (a long outage): the record went back to the pool and comes round again.
            foreach (var record in grant.Records) await dialer.ReportAsync(campaign, grant.LeaseId, record, "answered", Patience);
        }
    }

    /// <summary>Reads through A, as an operator's screen does, to see what reads answer while B is found dead.</summary>
    private static async Task ReadAsync(RetryingDialer reader, string[] paths, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var path in paths) await reader.SendAsync("GET " + path, h => h.GetAsync(path));
            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>The campaign once its preload is over, read through A (503 while the cluster finds B dead).</summary>
    private static async Task<JsonElement> SettledAsync(CampaignClient c, Guid campaign)
    {
        var last = await Eventually.UntilAsync(async () =>
        {
            var response = await c.Http.GetAsync($"/api/v1/campaigns/{campaign}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, body);
            return (Campaign: response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : (JsonElement?)null, Body: body);
        }, r => r.Campaign?.GetProperty("preloading").GetBoolean() == false, Patience, TimeSpan.FromMilliseconds(250));
        return last.Campaign is { } settled && !settled.GetProperty("preloading").GetBoolean()
            ? settled
            : throw new TimeoutException($"campaign {campaign} still preloading: {last.Body}");
    }
}
