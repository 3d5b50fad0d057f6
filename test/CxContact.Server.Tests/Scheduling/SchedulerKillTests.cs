using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CxContact.Core.Tenancy;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Server.Tests.Lists;
using CxContact.Testing.LocalServices;
using Npgsql;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// A scheduler server killed (SIGKILL, no shutdown) in the middle of a scheduled import: its Hangfire job stays
/// fetched by a server that is gone. The next server takes it once Hangfire's invisibility timeout has passed (short
/// for tests, FastHangfire), the run resumes the import it had queued (its idempotency key), and the history ends
/// with one succeeded run, one import and every record once.
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class SchedulerKillTests
{
    private const int Rows = 300_000;

    [Fact]
    public async Task A_run_killed_mid_import_resumes_on_the_next_server_without_a_second_import()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("kill");
        var deployment = "kill-" + Guid.NewGuid().ToString("N");
        var landing = Directory.CreateTempSubdirectory("cxc-landing-").FullName;
        var systemKey = ApiKeySecret.Generate();
        var redisPrefix = LocalRedis.NewPrefix("kill");
        var url = $"http://127.0.0.1:{LocalProcess.FreePort()}";
        var file = $"big-{Guid.NewGuid():N}.csv";
        var csv = new StringBuilder("client_id,phone1\n");
        for (var i = 0; i < Rows; i++) csv.Append('C').Append(i).Append(",415").Append((2_000_000 + i).ToString("D7")).Append('\n');
        await File.WriteAllTextAsync(Path.Combine(LocalSftp.Shared.Root, file), csv.ToString());

        var doomed = ServerProcess.Start(new Dictionary<string, string>
        {
            ["CXC_POSTGRES"] = postgres, ["CXC_REDIS"] = LocalRedis.ConfigurationString, ["CXC_REDIS_PREFIX"] = redisPrefix,
            ["CXC_CLUSTER_ID"] = deployment + "-a", ["CXC_SERVICE_ID"] = deployment, ["CXC_BOOTSTRAP_ADMIN_KEY"] = systemKey,
            ["CXC_LANDING_DIR"] = landing, ["ASPNETCORE_URLS"] = url,
            ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(), ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
        });
        ApiFactory? next = null;
        var killed = false;
        try
        {
            await doomed.WaitForAsync(url + "/health/ready", _ => true, TimeSpan.FromSeconds(120));
            using var system = new HttpClient { BaseAddress = new Uri(url) };
            system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", systemKey);
            var tenant = await HttpAssert.Json(await system.PostJson("/api/v1/tenants", new { name = "Killed " + deployment[^6..] }), HttpStatusCode.Created);
            var tenantKey = tenant.GetProperty("adminKey").GetProperty("key").GetString()!;
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenantKey);
            var sftp = await http.CreateSftpConnectionAsync();
            var list = await new ListClient(http).CreateListAsync();
            var schedule = (await new ScheduleClient(http, postgres).CreateAsync(new
            {
                name = "Nightly list", cron = "0 2 * * *", timeZone = "UTC",
                action = new { type = "import-contact-list", listId = list, sftpConnectionId = sftp, remotePath = file, mode = "append" },
            })).GetProperty("id").GetGuid();
            var runId = await new ScheduleClient(http, postgres).RunNowAsync(schedule);

            // Mid-flight: the run has queued its import and the import is running on the doomed server.
            var import = await MidFlightAsync(postgres, runId);
            await doomed.DisposeAsync(); // kills the process
            killed = true;

            next = new ApiFactory().With("CXC_POSTGRES", postgres).With("CXC_REDIS_PREFIX", redisPrefix).With("CXC_CLUSTER_ID", deployment + "-b")
                .With("CXC_SERVICE_ID", deployment).With("CXC_LANDING_DIR", landing).WithServices(FastHangfire.Configure);
            await next.InitializeAsync();
            var s = new ScheduleClient(next.Client(tenantKey), postgres);

            var run = Assert.Single(await s.FinishedRunsAsync(schedule));
            Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
            Assert.Equal(runId, run.GetProperty("id").GetGuid());
            Assert.Equal(2, run.GetProperty("attempts").GetInt32());
            Assert.Equal(import, run.GetProperty("importId").GetGuid());
            var lists = new ListClient(s.Http);
            var imports = (await HttpAssert.Json(await s.Http.GetAsync($"/api/v1/contact-lists/{list}/imports"), HttpStatusCode.OK)).EnumerateArray().ToList();
            Assert.Equal(import, Assert.Single(imports).GetProperty("id").GetGuid());
            Assert.Equal(Rows, (await lists.ListAsync(list)).GetProperty("records").GetInt64());
        }
        finally
        {
            if (!killed) await doomed.DisposeAsync();
            if (next is not null) await next.DisposeAsync();
            File.Delete(Path.Combine(LocalSftp.Shared.Root, file));
            try { Directory.Delete(landing, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>Waits until the run is running and follows an import that is running; returns the import's id.</summary>
    private static async Task<Guid> MidFlightAsync(string postgres, Guid runId)
    {
        await using var db = NpgsqlDataSource.Create(postgres);
        var seen = await Eventually.UntilAsync(async () =>
        {
            await using var cmd = db.CreateCommand("""
                SELECT r.state, i.import_id, i.state FROM schedule_runs r LEFT JOIN list_imports i ON i.import_id = r.import_id WHERE r.run_id = @r
                """);
            cmd.Parameters.AddWithValue("r", runId);
            await using var r = await cmd.ExecuteReaderAsync();
            if (!await r.ReadAsync()) return (Seen: "no run yet", Import: (Guid?)null);
            var (run, import) = (r.GetString(0), r.IsDBNull(2) ? null : r.GetString(2));
            var state = $"run {run}, import {import ?? "none"}";
            Assert.True(run is "queued" or "running" && import is null or "queued" or "running",
                $"the import ended before the server could be killed ({state}); make the file larger");
            return (Seen: state, Import: run == "running" && import == "running" ? r.GetGuid(1) : (Guid?)null);
        }, s => s.Import is not null, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(20));
        return seen.Import ?? throw new TimeoutException($"the run never got mid-flight: {seen.Seen}");
    }
}
