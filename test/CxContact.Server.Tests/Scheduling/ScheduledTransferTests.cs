using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Server.Tests.Lists;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// The SFTP schedules other than contact-list imports, against a real SFTP server: a suppression registry pulled and
/// imported, a contact list with its results pushed, and what each leaves in the run history and in /api/v1/jobs.
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class ScheduledTransferTests(CampaignFixture fx)
{
    private static LocalSftp Sftp => LocalSftp.Shared;

    private async Task<(CampaignClient C, ScheduleClient S, Guid Connection)> TenantAsync(int? port = null)
    {
        var c = await CampaignClient.NewTenantAsync(fx.Api);
        var connection = await c.Http.CreateSftpConnectionAsync(port);
        return (c, new ScheduleClient(c.Http, fx.Api.Postgres), connection);
    }

    [Fact]
    public async Task A_scheduled_suppression_import_pulls_the_registry_and_the_numbers_are_suppressed()
    {
        var (c, s, connection) = await TenantAsync();
        var file = $"dnc-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, file), "phone,source\n(212) 555-0101,registry\n212-555-0102,registry\nnot a phone,registry\n");
        var list = await c.Suppression.CreateListAsync();
        var schedule = (await s.CreateAsync(new
        {
            name = "Nightly DNC", cron = "0 2 * * *", timeZone = "America/New_York",
            action = new { type = "import-suppression-list", listId = list, sftpConnectionId = connection, remotePath = file, mode = "replace",
                spec = new { rejectThresholdPercent = 50 } },
        })).GetProperty("id").GetGuid();
        Assert.Equal(50, (await s.GetAsync(schedule)).GetProperty("action").GetProperty("spec").GetProperty("rejectThresholdPercent").GetInt32());

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        var importUrl = run.GetProperty("import").GetString()!;
        Assert.Equal($"/api/v1/suppression-lists/{list}/imports/{run.GetProperty("importId").GetGuid()}", importUrl);
        var import = await HttpAssert.Json(await c.Http.GetAsync(importUrl), HttpStatusCode.OK);
        Assert.Equal("succeeded", import.GetProperty("state").GetString());
        Assert.Equal("sftp", import.GetProperty("source").GetString());
        Assert.Equal(file, import.GetProperty("fileName").GetString());
        Assert.Equal(2, import.GetProperty("accepted").GetInt64());
        Assert.Equal(1, import.GetProperty("rejected").GetInt64());
        Assert.True(await c.Suppression.PhoneSuppressedAsync(list, "+12125550101"));
        Assert.True(await c.Suppression.PhoneSuppressedAsync(list, "+12125550102"));
        Assert.False(await c.Suppression.PhoneSuppressedAsync(list, "+12125550103"));

        var jobs = (await HttpAssert.Json(await c.Http.GetAsync("/api/v1/jobs?kind=suppression-import"), HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(importUrl, Assert.Single(jobs).GetProperty("link").GetString());
    }

    [Fact]
    public async Task A_scheduled_registry_change_list_under_a_dated_name_is_pulled_unzipped_and_applied_and_the_run_says_what_it_added_and_removed()
    {
        var (c, s, connection) = await TenantAsync();
        var list = await c.Suppression.CreateListAsync();
        var before = await HttpAssert.Json(await c.Suppression.UploadAsync(list, "phone,action\n2125550801,A\n2125550802,A\n", "changes", new { feed = "ftc-dnc" }),
            HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await c.Suppression.FinishedAsync(before.GetProperty("statusUrl").GetString()!)).GetProperty("state").GetString());
        var prefix = $"ftc-{Guid.NewGuid():N}-";
        // The run names the file by its own date in the schedule's zone; both sides of a midnight are written.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        foreach (var day in new[] { DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(2) }.Select(t => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd")).Distinct())
        {
            await using var zip = File.Create(Path.Combine(Sftp.Root, $"{prefix}{day}.zip"));
            using var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create);
            await using var w = new StreamWriter(archive.CreateEntry("changes.txt").Open());
            await w.WriteAsync("212,5550802,D\n212,5550803,A\n212,5550899,D\n");
        }
        var schedule = (await s.CreateAsync(new
        {
            name = "FTC changes", cron = "0 3 * * *", timeZone = "America/New_York",
            action = new
            {
                type = "import-suppression-list", listId = list, sftpConnectionId = connection, remotePath = prefix + "{date}.zip", mode = "changes",
                spec = new { feed = "ftc-dnc", format = new { hasHeader = false }, columns = new { areaCode = "1", phone = "2", action = "3" } },
            },
        })).GetProperty("id").GetGuid();

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.Contains("feed ftc-dnc) accepted 3 of 3 rows: 1 added, 1 removed, 0 kept (another source holds them), 1 deletions not on the list",
            run.GetProperty("detail").GetString());
        Assert.True(await c.Suppression.PhoneSuppressedAsync(list, "2125550801"));
        Assert.False(await c.Suppression.PhoneSuppressedAsync(list, "2125550802"));
        Assert.True(await c.Suppression.PhoneSuppressedAsync(list, "2125550803"));
        var import = await HttpAssert.Json(await c.Http.GetAsync(run.GetProperty("import").GetString()!), HttpStatusCode.OK);
        Assert.StartsWith(prefix, import.GetProperty("remotePath").GetString());
        Assert.Equal(1, import.GetProperty("changes").GetProperty("removed").GetInt64());

        // A daily file name that is not a placeholder is refused when the schedule is saved.
        var bad = await s.Http.PostJson("/api/v1/schedules", new
        {
            name = "Bad", cron = "0 3 * * *", timeZone = "America/New_York",
            action = new { type = "import-suppression-list", listId = list, sftpConnectionId = connection, remotePath = "ftc-{day}.zip", mode = "changes" },
        });
        var fields = (await HttpAssert.Problem(bad, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("action.remotePath", fields);
        Assert.Contains("action.spec.feed", fields);
    }

    [Fact]
    public async Task A_suppression_import_can_be_pulled_from_sftp_over_the_api_and_bad_sources_are_named()
    {
        var (c, _, connection) = await TenantAsync();
        var file = $"dnc-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, file), "email\nno@example.com\n");
        var list = await c.Suppression.CreateListAsync();

        var accepted = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/suppression-lists/{list}/imports",
            new { source = new { sftpConnectionId = connection, remotePath = file } }), HttpStatusCode.Accepted);
        var url = accepted.GetProperty("statusUrl").GetString()!;
        var import = await Eventually.UntilAsync(async () => await HttpAssert.Json(await c.Http.GetAsync(url), HttpStatusCode.OK),
            i => i.GetProperty("state").GetString() is not ("queued" or "running"), TimeSpan.FromSeconds(60));
        Assert.True(import.GetProperty("state").GetString() == "succeeded", import.ToString());
        Assert.Equal(1, import.GetProperty("entries").GetInt64());
        Assert.Single((await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/imports"), HttpStatusCode.OK)).EnumerateArray());

        var problem = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/suppression-lists/{list}/imports",
            new { source = new { sftpConnectionId = Guid.NewGuid(), remotePath = "../etc/passwd" }, mode = "update", spec = new { nope = 1 } }), HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("source.sftpConnectionId", fields);
        Assert.Contains("source.remotePath", fields);
        Assert.Contains("mode", fields);
        Assert.Contains("spec.nope", fields);
    }

    [Fact]
    public async Task A_scheduled_export_pushes_the_list_with_its_results_under_a_dated_name_and_the_history_links_it()
    {
        var (c, s, connection) = await TenantAsync();
        var list = await c.ListAsync(3);
        var folder = Sftp.NewDropFolder();
        var schedule = (await s.CreateAsync(new
        {
            name = "Results back", cron = "30 20 * * 1-5", timeZone = "America/New_York",
            action = new { type = "export-contact-list", listId = list, sftpConnectionId = connection, remotePath = folder + "/results-{date}.csv" },
        })).GetProperty("id").GetGuid();

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        var exportUrl = run.GetProperty("export").GetString()!;
        Assert.Equal($"/api/v1/contact-lists/{list}/exports/{run.GetProperty("exportId").GetGuid()}", exportUrl);
        var export = await HttpAssert.Json(await c.Http.GetAsync(exportUrl), HttpStatusCode.OK);
        Assert.Equal("succeeded", export.GetProperty("state").GetString());
        Assert.Equal(3, export.GetProperty("rows").GetInt64());

        // The run was "now": the date is today's in New York, the schedule's zone.
        var created = run.GetProperty("createdAt").GetDateTimeOffset();
        var date = TimeZoneInfo.ConvertTime(created, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")).ToString("yyyy-MM-dd");
        Assert.Equal($"{folder}/results-{date}.csv", export.GetProperty("remotePath").GetString());
        var pushed = await File.ReadAllLinesAsync(Path.Combine(Sftp.Root, folder, $"results-{date}.csv"));
        Assert.Equal(4, pushed.Length);
        Assert.StartsWith("contact_id,client_id,", pushed[0]);
        Assert.Contains(",attempts,last_result,last_attempt_at", pushed[0]);
        Assert.Equal(["C1", "C2", "C3"], pushed.Skip(1).Select(l => l.Split(',')[1]).Order());
        Assert.Equal(export.GetProperty("bytes").GetInt64(), new FileInfo(Path.Combine(Sftp.Root, folder, $"results-{date}.csv")).Length);
        Assert.Equal([$"results-{date}.csv"], Directory.GetFiles(Path.Combine(Sftp.Root, folder)).Select(Path.GetFileName));

        var job = Assert.Single((await HttpAssert.Json(await c.Http.GetAsync("/api/v1/jobs?kind=contact-list-export"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(exportUrl, job.GetProperty("link").GetString());
        Assert.Equal(3, job.GetProperty("rowsRead").GetInt64());
        Assert.Single((await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/contact-lists/{list}/exports"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task An_export_to_a_server_that_is_down_fails_the_run_with_the_reason_and_records_the_failed_export()
    {
        var port = LocalProcess.FreePort();
        var (c, s, connection) = await TenantAsync(port);
        var list = await c.ListAsync(1);
        var schedule = (await s.CreateAsync(new
        {
            name = "Down", cron = "0 21 * * *", timeZone = "UTC",
            action = new { type = "export-contact-list", listId = list, sftpConnectionId = connection, remotePath = "results.csv" },
        })).GetProperty("id").GetGuid();

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains($"127.0.0.1:{port} refused the connection after 3 attempts", run.GetProperty("error").GetString());
        var export = await HttpAssert.Json(await c.Http.GetAsync(run.GetProperty("export").GetString()!), HttpStatusCode.OK);
        Assert.Equal("failed", export.GetProperty("state").GetString());
        Assert.Contains("refused the connection", export.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_export_of_a_list_deleted_after_the_schedule_was_saved_fails_its_run_with_the_reason()
    {
        var (c, s, connection) = await TenantAsync();
        var list = await c.Lists.CreateListAsync();
        var schedule = (await s.CreateAsync(new
        {
            name = "Gone", cron = "0 21 * * *", timeZone = "UTC",
            action = new { type = "export-contact-list", listId = list, sftpConnectionId = connection, remotePath = "gone.csv" },
        })).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await c.Http.DeleteAsync($"/api/v1/contact-lists/{list}")).StatusCode);

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains("does not exist", run.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Transfer_schedules_are_checked_at_the_edge_naming_each_field()
    {
        var (c, s, connection) = await TenantAsync();
        var contacts = await c.Lists.CreateListAsync();
        var dnc = await c.Suppression.CreateListAsync();

        async Task Refused(object action, params string[] fields)
        {
            var problem = await HttpAssert.Json(await s.Http.PostJson("/api/v1/schedules", new { name = "x", cron = "0 7 * * *", timeZone = "UTC", action }),
                HttpStatusCode.BadRequest);
            var named = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
            foreach (var f in fields) Assert.True(named.Contains(f), $"{f} not in {problem}");
        }

        await Refused(new { type = "export-contact-list", listId = contacts, sftpConnectionId = connection, remotePath = "out-{day}.csv", mode = "append" },
            "action.remotePath", "action.mode");
        await Refused(new { type = "export-contact-list", listId = dnc, sftpConnectionId = connection, remotePath = "out.csv" }, "action.listId");
        await Refused(new { type = "import-suppression-list", listId = contacts, sftpConnectionId = connection, remotePath = "in.csv", mode = "update", then = "start" },
            "action.listId", "action.mode", "action.then");
        await Refused(new { type = "import-suppression-list", listId = dnc, sftpConnectionId = Guid.NewGuid(), remotePath = "../in.csv", spec = new { columns = new { } } },
            "action.sftpConnectionId", "action.remotePath", "action.spec.columns");
        await Refused(new { type = "import-contact-list", listId = contacts, sftpConnectionId = connection, remotePath = "in.csv", spec = new { format = new { delimiter = "ab" } } },
            "action.spec.format.delimiter");
    }

    [Fact]
    public async Task Jobs_lists_campaign_preloads_with_a_link_to_the_preload_report()
    {
        var (c, _, _) = await TenantAsync();
        var list = await c.ListAsync(2);
        var campaign = await c.CreateAsync(new { name = "Preloaded", contactLists = new[] { new { id = list, weight = 1 } } });
        Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(campaign, "preload")).StatusCode);
        await c.SettledAsync(campaign);

        var job = Assert.Single((await HttpAssert.Json(await c.Http.GetAsync("/api/v1/jobs?kind=campaign-preload"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal($"/api/v1/campaigns/{campaign}/preload-report", job.GetProperty("link").GetString());
        Assert.Equal(2, job.GetProperty("rowsRead").GetInt64());
        Assert.Equal("first load", job.GetProperty("phase").GetString());
    }
}
