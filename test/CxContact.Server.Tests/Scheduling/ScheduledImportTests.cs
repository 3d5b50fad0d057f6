using System.Net;
using System.Net.Http.Json;
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
/// End to end on the real Hangfire server (PostgreSQL storage): a schedule created over HTTP, occurrences fired
/// through Hangfire as another process would, an import pulled from a real SFTP server, and the history linking it.
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class ScheduledImportTests(CampaignFixture fx)
{
    private static LocalSftp Sftp => LocalSftp.Shared;

    private async Task<(ListClient Lists, ScheduleClient Schedules, Guid Connection)> TenantAsync()
    {
        var created = await HttpAssert.Json(await fx.Api.Admin().PostJson("/api/v1/tenants", new { name = "Sched " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        var http = fx.Api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
        var connection = await http.CreateSftpConnectionAsync();
        return (new ListClient(http), new ScheduleClient(http, fx.Api.Postgres), connection);
    }

    [Fact]
    public async Task A_triggered_occurrence_pulls_the_file_from_sftp_imports_it_and_the_history_links_the_import()
    {
        var (lists, s, connection) = await TenantAsync();
        var file = $"daily-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, file), "client_id,phone1\nA,4155550001\nB,4155550002\n");
        var list = await lists.CreateListAsync();
        var created = await s.CreateAsync(new
        {
            name = "Daily list", cron = "0 7 * * 1-5", timeZone = "America/New_York", enabled = true, missedRuns = "run-once",
            action = new { type = "import-contact-list", listId = list, sftpConnectionId = connection, remotePath = file, mode = "replace" },
        });
        var schedule = created.GetProperty("id").GetGuid();

        // As the scheduler's clock would at 07:00: Hangfire creates the occurrence's job from the recurring job, as
        // another process (the API role) does when it triggers it.
        var recurringJobId = created.GetProperty("recurringJobId").GetString()!;
        var triggered = new RecurringJobManager(s.Hangfire()).TriggerJob(recurringJobId);
        Assert.True(triggered is not null, $"Hangfire has no recurring job {recurringJobId}: {string.Join(", ", s.RecurringJobs().Keys)}");

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.Equal("schedule", run.GetProperty("trigger").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, run.GetProperty("scheduledFor").ValueKind);
        var importUrl = run.GetProperty("import").GetString()!;
        Assert.Equal($"/api/v1/contact-lists/{list}/imports/{run.GetProperty("importId").GetGuid()}", importUrl);
        var import = await HttpAssert.Json(await lists.Http.GetAsync(importUrl), HttpStatusCode.OK);
        ListClient.Succeeded(import);
        Assert.Equal(file, import.GetProperty("fileName").GetString());
        Assert.Equal(2, (await lists.ListAsync(list)).GetProperty("records").GetInt64());

        // The jobs view lists both: the scheduled run and the import it produced, each with its link.
        var jobs = (await HttpAssert.Json(await lists.Http.GetAsync("/api/v1/jobs"), HttpStatusCode.OK)).EnumerateArray().ToList();
        var importJob = Assert.Single(jobs, j => j.GetProperty("kind").GetString() == "contact-list-import");
        Assert.Equal(importUrl, importJob.GetProperty("link").GetString());
        Assert.Equal("succeeded", importJob.GetProperty("state").GetString());
        Assert.True(importJob.GetProperty("bytesRead").GetInt64() > 0);
        var runJob = Assert.Single(jobs, j => j.GetProperty("kind").GetString() == "scheduled-run");
        Assert.Equal(run.GetProperty("id").GetGuid(), runJob.GetProperty("id").GetGuid());
        Assert.Equal($"/api/v1/schedules/{schedule}/runs", runJob.GetProperty("link").GetString());
        Assert.Single((await HttpAssert.Json(await lists.Http.GetAsync("/api/v1/jobs?kind=scheduled-run"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Empty((await HttpAssert.Json(await lists.Http.GetAsync("/api/v1/jobs?state=active"), HttpStatusCode.OK)).EnumerateArray());
        await HttpAssert.FieldError(await lists.Http.GetAsync("/api/v1/jobs?kind=cron"), "kind");
        await HttpAssert.FieldError(await lists.Http.GetAsync("/api/v1/jobs?limit=0"), "limit");
    }

    [Fact]
    public async Task An_occurrence_delivered_twice_runs_and_imports_once()
    {
        var (lists, s, connection) = await TenantAsync();
        var file = $"twice-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, file), "client_id,phone1\nA,4155550001\n");
        var list = await lists.CreateListAsync();
        var created = await s.CreateAsync(new
        {
            name = "Append", cron = "0 7 * * *", timeZone = "UTC",
            action = new { type = "import-contact-list", listId = list, sftpConnectionId = connection, remotePath = file, mode = "append" },
        });
        var schedule = created.GetProperty("id").GetGuid();
        var tenant = Guid.Parse(created.GetProperty("recurringJobId").GetString()!.Split(':')[1]);

        // The same occurrence (same "Time") as two jobs: what a retry, a server killed mid-job or a second scheduler
        // server would produce at worst. Only one run and one import may come of it.
        var client = new BackgroundJobClient(s.Hangfire());
        var occurrence = new DateTimeOffset(2030, 1, 7, 7, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var i = 0; i < 2; i++)
            client.Create(Job.FromExpression<ScheduledRunJob>(j => j.RunAsync(tenant, schedule, null, null, CancellationToken.None)),
                new EnqueuedState(HangfireSchedules.Queue), new Dictionary<string, object?> { ["Time"] = occurrence });

        // One run finishes first; both jobs are done when Hangfire has no job of ours left enqueued or processing (a job
        // just fetched counts as neither, so the wait for idle starts only once one has finished).
        await s.FinishedRunsAsync(schedule);
        Assert.True(await Eventually.UntilAsync(() => s.Hangfire().GetMonitoringApi() is var m && m.EnqueuedCount(HangfireSchedules.Queue) == 0 && m.ProcessingCount() == 0,
            TimeSpan.FromSeconds(60)), $"the two jobs did not finish; Hangfire: {s.HangfireState()}");
        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("succeeded", run.GetProperty("state").GetString());
        Assert.Equal(new DateTimeOffset(2030, 1, 7, 7, 0, 0, TimeSpan.Zero), run.GetProperty("scheduledFor").GetDateTimeOffset());
        Assert.Single((await HttpAssert.Json(await lists.Http.GetAsync($"/api/v1/contact-lists/{list}/imports"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(1, (await lists.ListAsync(list)).GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task A_file_missing_on_the_server_fails_the_run_with_the_imports_reason()
    {
        var (lists, s, connection) = await TenantAsync();
        var list = await lists.CreateListAsync();
        var schedule = (await s.CreateAsync(new
        {
            name = "Missing", cron = "0 7 * * *", timeZone = "UTC",
            action = new { type = "import-contact-list", listId = list, sftpConnectionId = connection, remotePath = "not-there.csv" },
        })).GetProperty("id").GetGuid();

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains("not-there.csv", run.GetProperty("error").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, run.GetProperty("import").ValueKind);
    }

    [Fact]
    public async Task A_scheduled_pull_larger_than_the_landing_quota_fails_the_run_with_the_quota_and_leaves_the_list_as_it_was()
    {
        var created = await HttpAssert.Json(await fx.Api.Admin().PostJson("/api/v1/tenants", new { name = "Quota " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        var tenant = created.GetProperty("tenant").GetProperty("id").GetGuid();
        await HttpAssert.Json(await fx.Api.Admin().PutAsJsonAsync($"/api/v1/tenants/{tenant}/limits", new { landingQuotaMb = 1 }), HttpStatusCode.OK);
        var http = fx.Api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
        var (lists, s, connection) = (new ListClient(http), new ScheduleClient(http, fx.Api.Postgres), await http.CreateSftpConnectionAsync());
        var file = $"big-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, file),
            "client_id,phone1\n" + string.Concat(Enumerable.Range(0, 75_000).Select(i => $"C{i},+1415{2_000_000 + i:D7}\n"))); // ~1.6 MB
        try
        {
            var list = await lists.CreateListAsync();
            var schedule = (await s.CreateAsync(new
            {
                name = "Too big", cron = "0 7 * * *", timeZone = "UTC",
                action = new { type = "import-contact-list", listId = list, sftpConnectionId = connection, remotePath = file },
            })).GetProperty("id").GetGuid();

            await s.RunNowAsync(schedule);

            var run = Assert.Single(await s.FinishedRunsAsync(schedule));
            Assert.Equal("failed", run.GetProperty("state").GetString());
            Assert.Contains("landing quota", run.GetProperty("error").GetString());
            Assert.Contains("take 0 MB of 1 MB", run.GetProperty("error").GetString());
            Assert.Equal(0, (await lists.ListAsync(list)).GetProperty("records").GetInt64());
            var tenantDir = Path.Combine(fx.Api.LandingDirectory, tenant.ToString("N"));
            Assert.Empty(Directory.Exists(tenantDir) ? Directory.EnumerateFiles(tenantDir, "*", SearchOption.AllDirectories) : []);
        }
        finally { File.Delete(Path.Combine(Sftp.Root, file)); }
    }
}
