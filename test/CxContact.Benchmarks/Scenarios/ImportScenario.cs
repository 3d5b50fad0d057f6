using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Core.Tenancy;
using CxContact.Testing.LocalServices;
using Npgsql;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// A contact-list import end to end through the real path: the server runs as its own process, the file is
/// uploaded over HTTP, queued, parsed, normalised and loaded, and the clock stops when the import reports
/// success. The baseline is a raw PostgreSQL COPY of the same file into an unindexed table, with no processing.
/// </summary>
public sealed class ImportScenario : IScenario
{
    public string Name => "import";
    public string Description => "rows/s of a contact-list import (upload + parse + normalise + COPY + swap), vs raw COPY of the same CSV";
    public int DefaultSize => 1_000_000;

    /// <summary>Typed custom fields, so a bad date is a rejected row as it would be in real use.</summary>
    internal const string Spec = """
        {"columns": [
          {"source": "client_id", "field": "client_id"}, {"source": "first_name", "field": "first_name"},
          {"source": "last_name", "field": "last_name"}, {"source": "phone1", "field": "phone1"}, {"source": "phone2", "field": "phone2"},
          {"source": "email1", "field": "email1"}, {"source": "postal_code", "field": "postal_code"},
          {"source": "balance", "field": "custom", "name": "balance", "type": "number"},
          {"source": "due", "field": "custom", "name": "due", "type": "date"},
          {"source": "vip", "field": "custom", "name": "vip", "type": "bool"},
          {"source": "segment", "field": "custom", "name": "segment"}, {"source": "notes", "field": "custom", "name": "notes"}],
         "dedupe": "client_id"}
        """;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-import-").FullName;
        try
        {
            var file = Path.Combine(work, "contacts.csv");
            var bad = ImportFile.Write(file, size);
            var bytes = new FileInfo(file).Length;
            Console.WriteLine($"{Name}: wrote {size:N0} rows ({bytes / (1024.0 * 1024):F0} MB), {bad:N0} of them bad on purpose");

            var postgres = await LocalPostgres.CreateDatabaseAsync("bench_import");
            var baseline = await RawCopyAsync(postgres, file, ct);
            Console.WriteLine($"{Name}: baseline raw COPY: {size:N0} rows in {baseline.TotalSeconds:F2} s = {size / baseline.TotalSeconds:N0} rows/s");

            await using var server = await BenchmarkServer.StartAsync("import", Path.Combine(work, "landing"), ct);
            var http = server.Http;
            var list = (await server.PostAsync("/api/v1/contact-lists", new { name = "bench" }, ct)).GetProperty("id").GetGuid();

            var clock = Stopwatch.StartNew();
            JsonElement accepted;
            await using (var stream = File.OpenRead(file))
            using (var form = new MultipartFormDataContent { { new StreamContent(stream, 1 << 16), "file", "contacts.csv" }, { new StringContent("replace"), "mode" }, { new StringContent(Spec), "spec" } })
            {
                var response = await http.PostAsync($"/api/v1/contact-lists/{list}/imports", form, ct);
                accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
                if ((int)response.StatusCode != 202) throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {accepted}");
            }
            var uploaded = clock.Elapsed;
            var status = await WaitDoneAsync(http, list, accepted.GetProperty("id").GetGuid(), ct);
            var elapsed = clock.Elapsed;
            if (status.GetProperty("state").GetString() != "succeeded") throw new InvalidOperationException($"the import failed: {status}");

            var peakMb = server.PeakWorkingSetMb();
            var rate = size / elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: {size:N0} rows in {elapsed.TotalSeconds:F2} s (upload {uploaded.TotalSeconds:F2} s) = {rate:N0} rows/s; " +
                $"accepted {status.GetProperty("accepted").GetInt64():N0}, rejected {status.GetProperty("rejected").GetInt64():N0}; " +
                $"server peak working set {peakMb:F0} MB"));

            var result = ScenarioResult.Create(Name, size, "rows_per_s", rate, "rows/s", "raw PostgreSQL COPY (csv, unindexed table)", size / baseline.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: ratio {result.Ratio:G4} (targets: >= 100,000 rows/s, ratio >= 0.5, peak < 500 MB)"));
            return result with
            {
                Extra = new()
                {
                    ["peak_working_set_mb"] = Math.Round(peakMb, 1),
                    ["accepted"] = status.GetProperty("accepted").GetInt64(),
                    ["rejected"] = status.GetProperty("rejected").GetInt64(),
                    ["upload_seconds"] = Math.Round(uploaded.TotalSeconds, 2),
                },
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    private static async Task<TimeSpan> RawCopyAsync(string postgres, string file, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(postgres);
        await conn.OpenAsync(ct);
        await using (var create = new NpgsqlCommand("CREATE TABLE raw_copy (" + string.Join(", ", ImportFile.Header.Split(',').Select(c => c + " text")) + ")", conn))
            await create.ExecuteNonQueryAsync(ct);
        var clock = Stopwatch.StartNew();
        await using (var copy = await conn.BeginTextImportAsync("COPY raw_copy FROM STDIN (FORMAT csv, HEADER true)", ct))
        using (var source = new StreamReader(file))
        {
            var buffer = new char[1 << 16];
            int n;
            while ((n = await source.ReadAsync(buffer, ct)) > 0) await copy.WriteAsync(buffer.AsMemory(0, n), ct);
        }
        return clock.Elapsed;
    }



    internal static async Task<JsonElement> WaitDoneAsync(HttpClient http, Guid list, Guid import, CancellationToken ct)
    {
        var last = -1L;
        while (true)
        {
            var status = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/contact-lists/{list}/imports/{import}", ct)).RootElement.Clone();
            var state = status.GetProperty("state").GetString();
            if (state is "succeeded" or "failed") return status;
            var read = status.GetProperty("rowsRead").GetInt64();
            if (read != last && read > 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {status.GetProperty("phase").GetString()}: {read:N0} rows, {status.GetProperty("rowsPerSecond").GetDouble():N0} rows/s"));
            last = read;
            await Task.Delay(500, ct);
        }
    }



}
