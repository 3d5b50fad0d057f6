using CxContact.Server.Tests.Campaigns;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>Runs on the real Hangfire server of the test host: "run now" acts on the campaign; a vanished campaign fails the run, not the server.</summary>
[Collection(SchedulingCollection.Name)]
public sealed class ScheduledRunTests(CampaignFixture fx)
{
    private async Task<(CampaignClient Campaigns, ScheduleClient Schedules)> TenantAsync()
    {
        var c = await CampaignClient.NewTenantAsync(fx.Api);
        return (c, new ScheduleClient(c.Http, fx.Api.Postgres));
    }

    [Fact]
    public async Task Run_now_of_a_start_campaign_schedule_starts_the_campaign()
    {
        var (c, s) = await TenantAsync();
        var list = await c.ListAsync(3);
        var campaign = await c.CreateAsync(new { name = "Scheduled start", contactLists = new[] { new { id = list, weight = 1 } } });
        var schedule = (await s.CreateAsync(new
        {
            name = "Start", cron = "0 7 * * 1-5", timeZone = "America/New_York", action = new { type = "start-campaign", campaignId = campaign },
        })).GetProperty("id").GetGuid();

        var runId = await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal(runId, run.GetProperty("id").GetGuid());
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.Equal("manual", run.GetProperty("trigger").GetString());
        Assert.Equal("start-campaign", run.GetProperty("actionType").GetString());
        Assert.True(run.GetProperty("durationSeconds").GetDouble() >= 0);
        var started = await c.SettledAsync(campaign);
        Assert.Equal("running", started.GetProperty("state").GetString());
        Assert.Equal(3, started.GetProperty("lastPreload").GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task A_run_against_a_deleted_campaign_is_recorded_failed_with_the_reason()
    {
        var (c, s) = await TenantAsync();
        var campaign = await c.CreateAsync(new { name = "Soon gone" });
        var schedule = (await s.CreateAsync(new
        {
            name = "Preload", cron = "0 6 * * *", timeZone = "UTC", action = new { type = "preload-campaign", campaignId = campaign },
        })).GetProperty("id").GetGuid();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await c.Http.DeleteAsync($"/api/v1/campaigns/{campaign}")).StatusCode);

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains(campaign.ToString(), run.GetProperty("error").GetString());
        Assert.Contains("does not exist", run.GetProperty("error").GetString());
        // Nothing crashed: the schedule is still there and runs again (and fails again, for the same reason).
        await s.RunNowAsync(schedule);
        Assert.All(await s.FinishedRunsAsync(schedule, 2), r => Assert.Equal("failed", r.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task A_run_the_campaign_refuses_is_recorded_failed_with_the_campaigns_reason()
    {
        var (c, s) = await TenantAsync();
        var campaign = await c.CreateAsync(new { name = "Draft" });
        var schedule = (await s.CreateAsync(new
        {
            name = "Stop", cron = "0 20 * * *", timeZone = "UTC", action = new { type = "stop-campaign", campaignId = campaign },
        })).GetProperty("id").GetGuid();

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains("refused to stop", run.GetProperty("error").GetString());
        Assert.Equal("draft", (await c.GetAsync(campaign)).GetProperty("state").GetString());
    }
}
