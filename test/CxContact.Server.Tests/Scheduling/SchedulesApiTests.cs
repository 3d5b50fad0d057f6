using System.Net.Http.Json;
using System.Net;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>Schedules over HTTP: create, preview, edit, enable/disable, delete, and Hangfire following each change.</summary>
[Collection(SchedulingCollection.Name)]
public sealed class SchedulesApiTests(CampaignFixture fx)
{
    private async Task<(CampaignClient Campaigns, ScheduleClient Schedules)> TenantAsync()
    {
        var c = await CampaignClient.NewTenantAsync(fx.Api);
        return (c, new ScheduleClient(c.Http, fx.Api.Postgres));
    }

    [Fact]
    public async Task A_schedule_is_created_previewed_edited_disabled_and_deleted_and_Hangfire_follows()
    {
        var (c, s) = await TenantAsync();
        var campaign = await c.CreateAsync(new { name = "Morning" });

        var created = await s.CreateAsync(new
        {
            name = "Start at 7", cron = "0 7 * * 1-5", timeZone = "America/New_York",
            action = new { type = "start-campaign", campaignId = campaign }, enabled = true, missedRuns = "skip",
        });
        var id = created.GetProperty("id").GetGuid();
        var next = created.GetProperty("nextRuns").EnumerateArray().Select(r => r.GetDateTimeOffset()).ToList();
        Assert.Equal(5, next.Count);
        var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.All(next, r =>
        {
            var local = TimeZoneInfo.ConvertTime(r, ny);
            Assert.Equal(7, local.Hour);
            Assert.InRange((int)local.DayOfWeek, 1, 5);
        });
        Assert.True(next.SequenceEqual(next.Order()) && next.Distinct().Count() == 5);

        var jobId = created.GetProperty("recurringJobId").GetString()!;
        var job = s.RecurringJobs()[jobId];
        Assert.Equal("0 7 * * 1-5", job.Cron);
        Assert.Equal("America/New_York", job.TimeZoneId);

        var got = await s.GetAsync(id);
        Assert.Equal("Start at 7", got.GetProperty("name").GetString());
        Assert.Equal("skip", got.GetProperty("missedRuns").GetString());
        Assert.Equal(campaign, got.GetProperty("action").GetProperty("campaignId").GetGuid());
        var list = await HttpAssert.Json(await s.Http.GetAsync("/api/v1/schedules"), HttpStatusCode.OK);
        Assert.Contains(list.EnumerateArray(), x => x.GetProperty("id").GetGuid() == id);

        var edited = await HttpAssert.Json(await s.Http.PutAsJsonAsync($"/api/v1/schedules/{id}", new
        {
            name = "Stop at 20", cron = "0 20 * * 1-5", timeZone = "Europe/Berlin", action = new { type = "stop-campaign", campaignId = campaign },
        }), HttpStatusCode.OK);
        Assert.Equal("run-once", edited.GetProperty("missedRuns").GetString());
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(edited.GetProperty("nextRuns").EnumerateArray(), r => Assert.Equal(20, TimeZoneInfo.ConvertTime(r.GetDateTimeOffset(), berlin).Hour));
        job = s.RecurringJobs()[jobId];
        Assert.Equal("0 20 * * 1-5", job.Cron);
        Assert.Equal("Europe/Berlin", job.TimeZoneId);

        var disabled = await HttpAssert.Json(await s.Http.PostAsync($"/api/v1/schedules/{id}/disable", null), HttpStatusCode.OK);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Empty(disabled.GetProperty("nextRuns").EnumerateArray());
        Assert.DoesNotContain(jobId, s.RecurringJobs().Keys);

        var enabled = await HttpAssert.Json(await s.Http.PostAsync($"/api/v1/schedules/{id}/enable", null), HttpStatusCode.OK);
        Assert.Equal(5, enabled.GetProperty("nextRuns").GetArrayLength());
        Assert.Contains(jobId, s.RecurringJobs().Keys);

        Assert.Equal(HttpStatusCode.NoContent, (await s.Http.DeleteAsync($"/api/v1/schedules/{id}")).StatusCode);
        Assert.DoesNotContain(jobId, s.RecurringJobs().Keys);
        await HttpAssert.Problem(await s.Http.GetAsync($"/api/v1/schedules/{id}"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await s.Http.PostAsync($"/api/v1/schedules/{id}/run", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_single_run_previews_its_instant()
    {
        var (c, s) = await TenantAsync();
        var campaign = await c.CreateAsync(new { name = "Once" });
        var at = fx.Clock.GetUtcNow().AddDays(3);
        var created = await s.CreateAsync(new { name = "Once", runAt = at, timeZone = "UTC", action = new { type = "preload-campaign", campaignId = campaign } });
        Assert.Equal([at.ToUnixTimeSeconds()], created.GetProperty("nextRuns").EnumerateArray().Select(r => r.GetDateTimeOffset().ToUnixTimeSeconds()));
        Assert.True(created.GetProperty("recurringJobId").ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Bad_schedules_are_refused_naming_the_field()
    {
        var (c, s) = await TenantAsync();
        var campaign = await c.CreateAsync(new { name = "Valid" });
        var start = new { type = "start-campaign", campaignId = campaign };

        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new { name = "x", cron = "0 25 * * *", timeZone = "UTC", action = start }), "cron");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new { name = "x", cron = "tomorrow", timeZone = "UTC", action = start }), "cron");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new { name = "x", timeZone = "UTC", action = start }), "cron");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", cron = "0 7 * * *", runAt = DateTimeOffset.UtcNow.AddDays(1), timeZone = "UTC", action = start }), "cron");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", runAt = fx.Clock.GetUtcNow().AddDays(-1), timeZone = "UTC", action = start }), "runAt");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new { name = "x", cron = "0 7 * * *", timeZone = "Europe/Atlantis", action = start }), "timeZone");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new { name = "x", cron = "0 7 * * *", action = start }), "timeZone");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", cron = "0 7 * * *", timeZone = "UTC", action = start, missedRuns = "catch-up" }), "missedRuns");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", cron = "0 7 * * *", timeZone = "UTC", action = new { type = "make-coffee" } }), "action.type");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", cron = "0 7 * * *", timeZone = "UTC", action = new { type = "start-campaign", campaignId = Guid.CreateVersion7() } }), "action.campaignId");
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", cron = "0 7 * * *", timeZone = "UTC", action = new { type = "purge-expired-suppression", listId = Guid.CreateVersion7() } }), "action.listId");
        var problem = await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new
        {
            name = "x", cron = "0 7 * * *", timeZone = "UTC",
            action = new { type = "import-contact-list", listId = Guid.CreateVersion7(), sftpConnectionId = Guid.CreateVersion7(), remotePath = "a.csv", mode = "merge" },
        }), "action.listId");
        Assert.True(problem.GetProperty("errors").TryGetProperty("action.sftpConnectionId", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("action.mode", out _));
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules", new { name = "", cron = "0 7 * * *", timeZone = "UTC", action = start }), "name");
        await HttpAssert.FieldError(await s.Http.PostRaw("/api/v1/schedules", """{"name": "x", "cron": "0 7 * * *", "timeZone": "UTC", "action": {"type": "start-campaign"}, "enabeld": true}"""), "enabeld");

        // Another tenant's campaign is not this tenant's to schedule.
        var (other, _) = await TenantAsync();
        var theirs = await other.CreateAsync(new { name = "Theirs" });
        await HttpAssert.FieldError(await s.Http.PostJson("/api/v1/schedules",
            new { name = "x", cron = "0 7 * * *", timeZone = "UTC", action = new { type = "start-campaign", campaignId = theirs } }), "action.campaignId");
        Assert.Empty((await HttpAssert.Json(await s.Http.GetAsync("/api/v1/schedules"), HttpStatusCode.OK)).EnumerateArray());
    }
}
