using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// A compliance data feed on a loaded list: N numbers arrive as a registry's first full list (mode full), then a
/// change list of N/10 rows (half deletions of held numbers, half new numbers) is applied, then one area code's full
/// list a month later (1 % of it gone, 1 % new). The figure is the change list's rows per second, upload to
/// "succeeded"; the baseline a raw COPY of the same change file into an unindexed table of the same PostgreSQL.
/// </summary>
public sealed class FeedScenario : IScenario
{
    private const string Feed = """{"feed": "ftc-dnc", "maxRemovePercent": 100}""";

    public string Name => "feed";
    public string Description => "rows/s of a registry change list applied to a list of N feed-held numbers (adds and deletes), vs raw COPY of the same file";
    public int DefaultSize => 1_000_000;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-feed-").FullName;
        try
        {
            var full = await RegistryFile.WriteAsync(work, size, ct);
            var changes = size / 10;
            var changeFile = Path.Combine(work, "changes.csv");
            await using (var w = new StreamWriter(changeFile))
            {
                await w.WriteLineAsync("phone,action");
                for (var i = 0; i < changes / 2; i++) await w.WriteLineAsync($"{RegistryFile.Number(i)},D");
                for (var i = 0; i < changes - changes / 2; i++) await w.WriteLineAsync($"{RegistryFile.Number(size + i)},A");
            }

            await using var server = await BenchmarkServer.StartAsync("feed", Path.Combine(work, "landing"), ct);
            async Task<Guid> ListAsync(string name) => (await server.PostAsync("/api/v1/suppression-lists", new { name }, ct)).GetProperty("id").GetGuid();

            // The same numbers loaded directly (the bulk path) and as a feed's first full list.
            var direct = await RegistryFile.LoadAsync(server, await ListAsync("direct"), full, "append", ct);
            var list = await ListAsync("registry");
            var (feedLoad, _) = await RegistryFile.ImportAsync(server, list, full, "full", ct, Feed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: {size:N0} numbers: direct append {direct:F2} s, as a feed's first full list {feedLoad:F2} s ({feedLoad / direct:F2}x)"));

            var (applied, status) = await RegistryFile.ImportAsync(server, list, changeFile, "changes", ct, Feed);
            var counts = status.GetProperty("changes");
            var (added, removed) = (counts.GetProperty("added").GetInt64(), counts.GetProperty("removed").GetInt64());
            if (added != changes - changes / 2 || removed != changes / 2)
                throw new InvalidOperationException($"the change list should add {changes - changes / 2} and remove {changes / 2}: {status}");
            await CheckAsync(server, list, RegistryFile.Number(0), false, ct);
            await CheckAsync(server, list, RegistryFile.Number(changes / 2), true, ct);
            await CheckAsync(server, list, RegistryFile.Number(size), true, ct);
            var rate = changes / applied;

            var baseline = await RawCopyAsync(server.Postgres, changeFile, ct);
            var baselineRate = changes / baseline;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: change list of {changes:N0} rows in {applied:F2} s = {rate:N0} rows/s; raw COPY {baseline:F3} s = {baselineRate:N0} rows/s"));

            // One area code's full list a month on: every number of the first area code the list holds, less 1 %, plus 1 % new.
            var npa = ImportFile.AreaCodes[0].ToString(CultureInfo.InvariantCulture);
            var areaFile = Path.Combine(work, "area.csv");
            var areaRows = 0;
            await using (var w = new StreamWriter(areaFile))
            {
                await w.WriteLineAsync("phone");
                var held = Enumerable.Range(0, size + changes).Where(i => i >= changes / 2 && (i < size || i < size + changes - changes / 2))
                    .Where(i => i % ImportFile.AreaCodes.Length == 0).ToList();
                foreach (var i in held.Skip(held.Count / 100)) { await w.WriteLineAsync(RegistryFile.Number(i)); areaRows++; }
                var fresh = (2 * size + ImportFile.AreaCodes.Length - 1) / ImportFile.AreaCodes.Length * ImportFile.AreaCodes.Length; // never loaded, same area code
                for (var i = 0; i < held.Count / 100; i++) { await w.WriteLineAsync(RegistryFile.Number(fresh + i * ImportFile.AreaCodes.Length)); areaRows++; }
            }
            var (refresh, area) = await RegistryFile.ImportAsync(server, list, areaFile, "area-codes", ct, Feed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: area code {npa}'s full list ({areaRows:N0} rows) in {refresh:F2} s: {area.GetProperty("changes")}"));

            return ScenarioResult.Create(Name, size, "rows_per_s", rate, "rows/s", "raw COPY of the change file", baselineRate) with
            {
                Extra = new Dictionary<string, object>
                {
                    ["change_rows"] = changes, ["change_s"] = Math.Round(applied, 2), ["direct_load_s"] = Math.Round(direct, 2),
                    ["feed_load_s"] = Math.Round(feedLoad, 2), ["area_code_rows"] = areaRows, ["area_code_refresh_s"] = Math.Round(refresh, 2),
                    ["peak_working_set_mb"] = Math.Round(server.PeakWorkingSetMb(), 0),
                },
            };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task CheckAsync(BenchmarkServer server, Guid list, string phone, bool suppressed, CancellationToken ct)
    {
        var answer = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/v1/suppression-lists/{list}/lookup?phone={Uri.EscapeDataString(phone)}", ct));
        if (answer.RootElement.GetProperty("suppressed").GetBoolean() != suppressed)
            throw new InvalidOperationException($"{phone} should {(suppressed ? "" : "not ")}be suppressed after the change list");
    }

    private static async Task<double> RawCopyAsync(string postgres, string file, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(postgres);
        await conn.OpenAsync(ct);
        await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS raw_changes; CREATE TABLE raw_changes (phone text, action text)", conn))
            await create.ExecuteNonQueryAsync(ct);
        var clock = Stopwatch.StartNew();
        await using (var copy = await conn.BeginTextImportAsync("COPY raw_changes FROM STDIN (FORMAT csv, HEADER true)", ct))
        using (var source = new StreamReader(file))
        {
            var buffer = new char[1 << 16];
            int n;
            while ((n = await source.ReadAsync(buffer, ct)) > 0) await copy.WriteAsync(buffer.AsMemory(0, n), ct);
        }
        return clock.Elapsed.TotalSeconds;
    }
}
