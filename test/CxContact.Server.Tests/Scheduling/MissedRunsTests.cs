using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// Occurrences missed while every scheduler server was down: Hangfire's storage is set as the servers would find it
/// on their return (the recurring job last ran three days ago and has been due since), and the real recurring
/// scheduler decides. "run-once" runs one occurrence on recovery however many were missed; "skip" runs none. A single
/// run (runAt) that the scheduler reaches late is judged on the platform clock, moved on as if it had been down.
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class MissedRunsTests : IAsyncLifetime
{
    private readonly ShiftedClock clock = new(DateTimeOffset.UtcNow);
    private readonly ApiFactory api;

    public MissedRunsTests() => api = new ApiFactory().WithClock(clock).WithServices(FastHangfire.Configure);

    public Task InitializeAsync() => api.InitializeAsync();

    public Task DisposeAsync() => api.DisposeAsync();

    private async Task<(ScheduleClient Schedules, Guid Schedule, string RecurringJobId, Guid Campaign, CampaignClient Campaigns)> DownAsync(string missedRuns)
    {
        var c = await CampaignClient.NewTenantAsync(api);
        var s = new ScheduleClient(c.Http, api.Postgres);
        var campaign = await c.CreateAsync(new { name = "Missed " + missedRuns, contactLists = new[] { new { id = await c.ListAsync(2), weight = 1 } } });
        // Daily, twelve hours away from now: the only occurrences due are the missed ones.
        var created = await s.CreateAsync(new
        {
            name = "Daily preload", cron = $"0 {(DateTime.UtcNow.Hour + 12) % 24} * * *", timeZone = "UTC", missedRuns,
            action = new { type = "preload-campaign", campaignId = campaign },
        });
        var recurringJobId = created.GetProperty("recurringJobId").GetString()!;
        s.DownSince(recurringJobId, DateTime.UtcNow.AddDays(-3), DateTime.UtcNow.AddDays(-2));
        return (s, created.GetProperty("id").GetGuid(), recurringJobId, campaign, c);
    }

    /// <summary>Waits until the recurring scheduler has dealt with the missed occurrences: the job is due again only in the future.</summary>
    private static async Task<Hangfire.Storage.RecurringJobDto> RescheduledAsync(ScheduleClient s, string recurringJobId)
    {
        var job = await Eventually.UntilAsync(() => s.RecurringJobs()[recurringJobId], j => j.NextExecution > DateTime.UtcNow, TimeSpan.FromSeconds(60));
        Assert.True(job.NextExecution > DateTime.UtcNow,
            $"the recurring scheduler never took {recurringJobId} (next execution {job.NextExecution:O}); Hangfire: {s.HangfireState()}");
        return job;
    }

    [Fact]
    public async Task Run_once_runs_the_missed_occurrences_once_on_recovery()
    {
        var (s, schedule, recurringJobId, campaign, c) = await DownAsync("run-once");

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.Equal("schedule", run.GetProperty("trigger").GetString());
        // The one occurrence is the recovery itself (Hangfire stamps it with the time it fired), not a missed instant.
        var job = await RescheduledAsync(s, recurringJobId);
        var firedAt = new DateTimeOffset(job.LastExecution!.Value, TimeSpan.Zero);
        Assert.InRange(run.GetProperty("scheduledFor").GetDateTimeOffset(), firedAt.AddSeconds(-1), firedAt);
        Assert.Single(await s.RunsAsync(schedule));
        Assert.Equal(2, (await c.SettledAsync(campaign)).GetProperty("lastPreload").GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Skip_does_not_run_the_missed_occurrences()
    {
        var (s, schedule, recurringJobId, campaign, c) = await DownAsync("skip");

        var job = await RescheduledAsync(s, recurringJobId);
        Assert.True(string.IsNullOrEmpty(job.LastJobId), $"Hangfire ran job {job.LastJobId} for a missed occurrence");
        Assert.Empty(await s.RunsAsync(schedule));
        Assert.Equal("draft", (await c.GetAsync(campaign)).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("run-once", "succeeded")]
    [InlineData("skip", "skipped")]
    public async Task A_single_run_reached_after_downtime_follows_its_policy(string missedRuns, string state)
    {
        var c = await CampaignClient.NewTenantAsync(api);
        var s = new ScheduleClient(c.Http, api.Postgres);
        var campaign = await c.CreateAsync(new { name = "Once " + missedRuns, contactLists = new[] { new { id = await c.ListAsync(2), weight = 1 } } });
        var runAt = clock.GetUtcNow().AddSeconds(3);
        var schedule = (await s.CreateAsync(new
        {
            name = "Once", runAt, timeZone = "UTC", missedRuns, action = new { type = "preload-campaign", campaignId = campaign },
        })).GetProperty("id").GetGuid();
        // By the time Hangfire hands the job over, the platform's time is ten minutes past it.
        clock.Advance(TimeSpan.FromMinutes(10));

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.True(run.GetProperty("state").GetString() == state, run.ToString());
        if (state == "skipped")
        {
            Assert.Contains("missed", run.GetProperty("detail").GetString());
            Assert.Equal("draft", (await c.GetAsync(campaign)).GetProperty("state").GetString());
        }
        else Assert.Equal(2, (await c.SettledAsync(campaign)).GetProperty("lastPreload").GetProperty("rows").GetInt64());
    }
}
