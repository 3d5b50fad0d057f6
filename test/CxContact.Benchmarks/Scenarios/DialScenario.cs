using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Core.Dialing;
using CxContact.Server.Dialing;
using Npgsql;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// The built-in simulator with 200 agents drives a running campaign over HTTP, as an external dialer would: leases
/// (each record cleared by the Compliance Manager), results (contact strategy, attempt history, idempotency). Calls
/// take a millisecond of real time, so the figure is the pull API's own throughput: lease+result round trips per
/// second, with the number of records leased twice while out (must be zero). The contacts are in Germany, which the
/// default rule set gives no calling hours, so the run does not depend on the time of day. The baseline, in the same
/// database, is a bare SKIP LOCKED queue: 64 workers leasing 10 rows at a time and marking each done.
/// </summary>
public sealed class DialScenario : IScenario
{
    public string Name => "dial";
    public string Description => "lease+result round trips/s through the pull API (simulator, 200 agents, HTTP), vs a bare SKIP LOCKED queue";
    public int DefaultSize => 500_000;

    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(30);

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-dial-").FullName;
        try
        {
            var file = Path.Combine(work, "contacts.csv");
            await using (var w = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20))
            {
                await w.WriteAsync("client_id,phone1,country,tz\n");
                for (var i = 0; i < size; i++) await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"K{i},+4930{10_000_000 + i},DE,Europe/Berlin\n"));
            }
            await using var server = await BenchmarkServer.StartAsync("dial", Path.Combine(work, "landing"), ct);
            var http = server.Http;
            var list = (await server.PostAsync("/api/v1/contact-lists", new { name = "bench" }, ct)).GetProperty("id").GetGuid();
            await using (var stream = File.OpenRead(file))
            using (var form = new MultipartFormDataContent { { new StreamContent(stream), "file", "contacts.csv" } })
            {
                var accepted = JsonDocument.Parse(await (await http.PostAsync($"/api/v1/contact-lists/{list}/imports", form, ct)).Content.ReadAsStringAsync(ct)).RootElement;
                await ImportScenario.WaitDoneAsync(http, list, accepted.GetProperty("id").GetGuid(), ct);
            }
            var dnc = (await server.PostAsync("/api/v1/suppression-lists", new { name = "dnc" }, ct)).GetProperty("id").GetGuid();
            await server.PostAsync($"/api/v1/suppression-lists/{dnc}/entries",
                new { entries = Enumerable.Range(0, 1000).Select(i => new { type = "phone", value = $"+4930{10_000_000 + i * 97}" }) }, ct);
            var campaign = (await server.PostAsync("/api/v1/campaigns", new
            {
                name = "bench", contactLists = new[] { new { id = list, weight = 1 } }, suppressionLists = new[] { dnc }, dialingMode = "progressive",
            }, ct)).GetProperty("id").GetGuid();
            await server.PostAsync($"/api/v1/campaigns/{campaign}/start", new { }, ct);
            while (JsonDocument.Parse(await http.GetStringAsync($"/api/v1/campaigns/{campaign}", ct)).RootElement.GetProperty("state").GetString() != "running")
                await Task.Delay(100, ct);
            Console.WriteLine($"{Name}: campaign of {size:N0} contacts running");

            var port = new HttpDialerPort(http, campaign);
            var settings = new SimulationSettings
            {
                Agents = 200, TalkSeconds = 1, WrapSeconds = 0, RingSeconds = 1, Speed = 1000, Seed = 3,
                ResultWeights = new Dictionary<string, double> { ["answered"] = 0.5, ["no-answer"] = 0.3, ["busy"] = 0.2 },
            };
            var run = new SimulationRun(port, settings, Core.Compliance.DialingMode.Progressive, 0.03, TimeSpan.FromMilliseconds(2)).Start();
            var clock = Stopwatch.StartNew();
            var warm = TimeSpan.FromSeconds(5);
            await Task.Delay(warm, ct);
            var startTrips = run.RoundTrips;
            var measured = Stopwatch.StartNew();
            long trips = 0;
            var seconds = 0.0;
            while (measured.Elapsed < RunFor && !run.Completion.IsCompleted)
            {
                var before = run.RoundTrips;
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                // The pool ran dry (everything left is a retry scheduled for later): measure up to here only.
                if (trips > 0 && run.RoundTrips - before < trips / seconds * 5 / 2) { Console.WriteLine($"  the campaign has nothing callable left; measured up to here"); break; }
                (trips, seconds) = (run.RoundTrips - startTrips, measured.Elapsed.TotalSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {run.RoundTrips:N0} round trips, {trips / seconds:N0}/s"));
            }
            run.Stop("benchmark over");
            await run.Completion;
            var rate = trips / seconds;
            var report = run.Report();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: {trips:N0} lease+result round trips in {seconds:F1} s = {rate:N0}/s; double leases {run.DoubleLeases}; refused results {port.Refused}; leases {report.Leases:N0}"));

            var baseline = await QueueBaselineAsync(server.Postgres, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: baseline bare SKIP LOCKED queue: {baseline:N0} round trips/s"));
            var result = ScenarioResult.Create(Name, size, "round_trips_per_s", rate, "round trips/s", "bare PostgreSQL SKIP LOCKED queue (lease 10, mark each done)", baseline);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: ratio {result.Ratio:G4} (targets: >= 5,000 round trips/s, 0 double leases)"));
            return result with
            {
                Extra = new()
                {
                    ["double_leases"] = run.DoubleLeases,
                    ["refused_results"] = port.Refused,
                    ["seconds"] = Math.Round(seconds, 1),
                    ["agents"] = settings.Agents,
                },
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    private static async Task<double> QueueBaselineAsync(string postgres, CancellationToken ct)
    {
        await using (var conn = new NpgsqlConnection(postgres))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("""
                CREATE TABLE bench_queue (id bigint PRIMARY KEY, status smallint NOT NULL, lease uuid);
                INSERT INTO bench_queue SELECT g, 1, NULL FROM generate_series(1, 2000000) g;
                CREATE INDEX ON bench_queue (id) WHERE status = 1;
                ANALYZE bench_queue;
                """, conn) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres) { MaxPoolSize = 80 }.ConnectionString);
        long trips = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(15);
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                var lease = Guid.NewGuid();
                var ids = new List<long>(10);
                await using (var cmd = dataSource.CreateCommand("""
                    UPDATE bench_queue SET status = 2, lease = @l
                    WHERE id IN (SELECT id FROM bench_queue WHERE status = 1 ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED) RETURNING id
                    """))
                {
                    cmd.Parameters.AddWithValue("l", lease);
                    await using var r = await cmd.ExecuteReaderAsync(ct);
                    while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
                }
                foreach (var id in ids)
                {
                    await using var done = dataSource.CreateCommand("UPDATE bench_queue SET status = 3 WHERE id = @i AND lease = @l");
                    done.Parameters.AddWithValue("i", id);
                    done.Parameters.AddWithValue("l", lease);
                    await done.ExecuteNonQueryAsync(ct);
                    Interlocked.Increment(ref trips);
                }
            }
        }));
        await dataSource.DisposeAsync();
        return trips / clock.Elapsed.TotalSeconds;
    }
}
