using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using Hangfire;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// Hangfire keeps process-wide state; a host in the same process that starts after this one and is disposed before
/// it must not stop this host's Hangfire from running jobs. (Hangfire's log provider pointed at the disposed host's
/// logger factory, and every dequeue then lost the job it had just fetched: the suite's vanished and never-run jobs.)
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class HangfireHostIsolationTests(CampaignFixture fx)
{
    [Fact]
    public async Task Jobs_still_run_after_another_host_in_the_process_was_disposed()
    {
        var other = new ApiFactory();
        await other.InitializeAsync();
        await other.DisposeAsync();

        var c = await CampaignClient.NewTenantAsync(fx.Api);
        var s = new ScheduleClient(c.Http, fx.Api.Postgres);
        var list = await c.ListAsync(2);
        async Task<(Guid Id, string RecurringJobId)> ScheduleAsync(string name)
        {
            var campaign = await c.CreateAsync(new { name, contactLists = new[] { new { id = list, weight = 1 } } });
            var created = await s.CreateAsync(new
            {
                name, cron = "0 6 * * *", timeZone = "UTC", action = new { type = "preload-campaign", campaignId = campaign },
            });
            return (created.GetProperty("id").GetGuid(), created.GetProperty("recurringJobId").GetString()!);
        }
        var manual = await ScheduleAsync("Run now");
        var triggered = await ScheduleAsync("Triggered");

        // "Run now" through the API, and an occurrence triggered from this (another) process.
        await s.RunNowAsync(manual.Id);
        Assert.NotNull(new RecurringJobManager(s.Hangfire()).TriggerJob(triggered.RecurringJobId));

        var run = Assert.Single(await s.FinishedRunsAsync(manual.Id));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        run = Assert.Single(await s.FinishedRunsAsync(triggered.Id));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.Equal("schedule", run.GetProperty("trigger").GetString());
    }
}
