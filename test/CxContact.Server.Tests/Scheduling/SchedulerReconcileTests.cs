using System.Net;
using CxContact.Server.Scheduling;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using Hangfire;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>At start, the scheduler role brings Hangfire in line with the definitions kept in grain state.</summary>
[Collection(SchedulingCollection.Name)]
public sealed class SchedulerReconcileTests(CampaignFixture fx)
{
    [Fact]
    public async Task A_restart_adds_missing_recurring_jobs_and_removes_orphans()
    {
        var c = await CampaignClient.NewTenantAsync(fx.Api);
        var s = new ScheduleClient(c.Http, fx.Api.Postgres);
        var campaign = await c.CreateAsync(new { name = "Reconciled" });
        var created = await s.CreateAsync(new
        {
            name = "Stop at 20", cron = "0 20 * * *", timeZone = "Europe/London", action = new { type = "stop-campaign", campaignId = campaign },
        });
        var jobId = created.GetProperty("recurringJobId").GetString()!;
        var tenant = Guid.Parse(jobId.Split(':')[1]);
        var orphan = HangfireSchedules.RecurringJobId(tenant, Guid.CreateVersion7());

        // Hangfire drifts from the definitions while the platform is down: one job lost, one left behind.
        var manager = new RecurringJobManager(s.Hangfire());
        manager.RemoveIfExists(jobId);
        manager.AddOrUpdate<ScheduledRunJob>(orphan, HangfireSchedules.Queue, j => j.RunAsync(tenant, Guid.Empty, null, null, CancellationToken.None), "0 1 * * *");
        Assert.DoesNotContain(jobId, s.RecurringJobs().Keys);

        await fx.Api.RestartAsync();

        var jobs = await Eventually.UntilAsync(s.RecurringJobs, j => j.ContainsKey(jobId) && !j.ContainsKey(orphan), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.True(jobs.ContainsKey(jobId) && !jobs.ContainsKey(orphan), $"not reconciled: {string.Join(", ", jobs.Keys)}");
        var job = jobs[jobId];
        Assert.Equal("0 20 * * *", job.Cron);
        Assert.Equal("Europe/London", job.TimeZoneId);
        var again = new ScheduleClient(fx.Api.Client(c.Http.DefaultRequestHeaders.Authorization!.Parameter), fx.Api.Postgres);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync($"/api/v1/schedules/{created.GetProperty("id").GetGuid()}")).StatusCode);
    }
}
