using System.Net;
using CxContact.Server.Scheduling;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Server.Tests.Lists;
using CxContact.Testing.LocalServices;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// Two servers with the scheduler role on one deployment (one database, one cluster): both run a Hangfire server,
/// both reconcile at start and both race for every occurrence, yet each occurrence produces one run and one action.
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class TwoSchedulerServersTests : IAsyncLifetime
{
    private readonly ApiFactory first = new ApiFactory().WithClock(ShiftedClock.WednesdayNoonEastern()).WithServices(FastHangfire.Configure);
    private ApiFactory? second;

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        second = first.Sibling().WithServices(FastHangfire.Configure);
        await second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (second is not null) await second.DisposeAsync();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task Each_occurrence_runs_once_with_two_scheduler_servers()
    {
        var c = await CampaignClient.NewTenantAsync(first);
        var key = c.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var s = new ScheduleClient(c.Http, first.Postgres);
        var onSecond = new ScheduleClient(second!.Client(key), first.Postgres);
        await WaitAsync(() => s.Hangfire().GetMonitoringApi().Servers().Count == 2, "two Hangfire servers", s);

        // A recurring import (append, so a second import would show in the record count), due on both servers at once.
        var lists = new ListClient(c.Http);
        var file = $"two-servers-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(LocalSftp.Shared.Root, file), "client_id,phone1\nA,4155550001\nB,4155550002\n");
        var sftp = await c.Http.CreateSftpConnectionAsync();
        var list = await lists.CreateListAsync();
        var import = await s.CreateAsync(new
        {
            name = "Daily append", cron = $"0 {(DateTime.UtcNow.Hour + 12) % 24} * * *", timeZone = "UTC",
            action = new { type = "import-contact-list", listId = list, sftpConnectionId = sftp, remotePath = file, mode = "append" },
        });
        s.DownSince(import.GetProperty("recurringJobId").GetString()!, DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddSeconds(-1));

        // A campaign start whose one occurrence reaches Hangfire twice: both servers take a copy at the same time.
        var campaign = await c.CreateAsync(new { name = "Started once", contactLists = new[] { new { id = await c.ListAsync(3), weight = 1 } } });
        var start = (await s.CreateAsync(new
        {
            name = "Start", cron = "0 7 * * 1-5", timeZone = "America/New_York", action = new { type = "start-campaign", campaignId = campaign },
        })).GetProperty("id").GetGuid();
        var tenant = Guid.Parse(import.GetProperty("recurringJobId").GetString()!.Split(':')[1]);
        var occurrence = new Dictionary<string, object?> { ["Time"] = new DateTimeOffset(2030, 1, 7, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() };
        var client = new BackgroundJobClient(s.Hangfire());
        for (var i = 0; i < 2; i++)
            client.Create(Job.FromExpression<ScheduledRunJob>(j => j.RunAsync(tenant, start, null, null, CancellationToken.None)),
                new EnqueuedState(HangfireSchedules.Queue), occurrence);

        // "Run now" through the second server's API, of a preload on another campaign.
        var preloaded = await c.CreateAsync(new { name = "Preloaded once", contactLists = new[] { new { id = await c.ListAsync(4), weight = 1 } } });
        var preload = (await onSecond.CreateAsync(new
        {
            name = "Preload", cron = "0 6 * * *", timeZone = "UTC", action = new { type = "preload-campaign", campaignId = preloaded },
        })).GetProperty("id").GetGuid();
        var runNow = await onSecond.RunNowAsync(preload);

        var imported = Assert.Single(await s.FinishedRunsAsync(import.GetProperty("id").GetGuid()));
        Assert.True(imported.GetProperty("state").GetString() == "succeeded", imported.ToString());
        var started = Assert.Single(await s.FinishedRunsAsync(start));
        Assert.True(started.GetProperty("state").GetString() == "succeeded", started.ToString());
        var manual = Assert.Single(await s.FinishedRunsAsync(preload));
        Assert.Equal(runNow, manual.GetProperty("id").GetGuid());
        Assert.True(manual.GetProperty("state").GetString() == "succeeded", manual.ToString());

        // Nothing left in Hangfire that could still run: each duplicate has finished too, and added no run.
        await WaitAsync(() => s.Hangfire().GetMonitoringApi() is var m && m.EnqueuedCount(HangfireSchedules.Queue) == 0 && m.ProcessingCount() == 0,
            "an idle Hangfire", s);
        Assert.Single(await s.RunsAsync(import.GetProperty("id").GetGuid()));
        Assert.Single(await s.RunsAsync(start));
        Assert.Single((await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/contact-lists/{list}/imports"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(2, (await lists.ListAsync(list)).GetProperty("records").GetInt64());
        Assert.Equal("running", (await c.SettledAsync(campaign)).GetProperty("state").GetString());
        Assert.Equal(4, (await c.SettledAsync(preloaded)).GetProperty("lastPreload").GetProperty("rows").GetInt64());
    }

    private static async Task WaitAsync(Func<bool> condition, string what, ScheduleClient s)
    {
        if (!await Eventually.UntilAsync(condition, TimeSpan.FromSeconds(60))) throw new TimeoutException($"no {what}; Hangfire: {s.HangfireState()}");
    }
}
