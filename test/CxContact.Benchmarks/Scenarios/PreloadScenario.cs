using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// A campaign preload through the real path: size contacts with two phones each are imported, a suppression list of
/// size numbers (a quarter of them the contacts' own) is imported, and POST …/preload builds the calling list in
/// PostgreSQL (filters, suppression anti-joins, windows, order, chains, a reason for every row left out). The clock
/// runs from the POST until the campaign reports ready. The baseline, in the same database, is a raw INSERT … SELECT
/// of the same device rows, unfiltered, into a partition of the same calling list (same indexes).
/// </summary>
public sealed class PreloadScenario : IScenario
{
    public string Name => "preload";
    public string Description => "calling-list rows/s of a campaign preload (1M contacts x 2 devices, 1M suppression entries), vs raw INSERT ... SELECT";
    public int DefaultSize => 1_000_000;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-preload-").FullName;
        try
        {
            var contacts = Path.Combine(work, "contacts.csv");
            ImportFile.Write(contacts, size);
            await using var server = await BenchmarkServer.StartAsync("preload", Path.Combine(work, "landing"), ct);
            var http = server.Http;
            var list = (await server.PostAsync("/api/v1/contact-lists", new { name = "bench" }, ct)).GetProperty("id").GetGuid();
            var imported = await UploadAsync(http, $"/api/v1/contact-lists/{list}/imports", contacts, ImportScenario.Spec, ct);
            var status = await ImportScenario.WaitDoneAsync(http, list, imported, ct);
            Console.WriteLine($"{Name}: imported {status.GetProperty("accepted").GetInt64():N0} contacts");

            var suppression = (await server.PostAsync("/api/v1/suppression-lists", new { name = "bench dnc" }, ct)).GetProperty("id").GetGuid();
            var dnc = Path.Combine(work, "dnc.csv");
            await WriteSuppressionAsync(server.Postgres, dnc, size, ct);
            var suppressionImport = await UploadAsync(http, $"/api/v1/suppression-lists/{suppression}/imports", dnc, null, ct);
            await WaitSuppressionAsync(http, suppression, suppressionImport, ct);
            Console.WriteLine($"{Name}: suppression list loaded with {size:N0} numbers");

            var campaign = (await server.PostAsync("/api/v1/campaigns", new
            {
                name = "bench", contactLists = new[] { new { id = list, weight = 1 } }, suppressionLists = new[] { suppression },
                filter = new { field = "segment", op = "!=", value = "segment-13" },
            }, ct)).GetProperty("id").GetGuid();

            var baselineBefore = await RawInsertAsync(server.Postgres, list, ct);
            var clock = Stopwatch.StartNew();
            await server.PostAsync($"/api/v1/campaigns/{campaign}/preload", new { }, ct);
            JsonElement done;
            while (true)
            {
                done = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/campaigns/{campaign}", ct)).RootElement.Clone();
                if (!done.GetProperty("preloading").GetBoolean()) break;
                await Task.Delay(50, ct);
            }
            var wall = clock.Elapsed.TotalSeconds;
            var preload = done.GetProperty("lastPreload");
            if (preload.GetProperty("error").ValueKind != JsonValueKind.Null) throw new InvalidOperationException($"the preload failed: {preload}");
            var baselineAfter = await RawInsertAsync(server.Postgres, list, ct);
            var baseline = baselineBefore.Rate > baselineAfter.Rate ? baselineBefore : baselineAfter;

            var rows = preload.GetProperty("rows").GetInt64();
            var rate = rows / wall;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: {rows:N0} calling-list rows in {wall:F2} s (server-side {preload.GetProperty("seconds").GetDouble():F2} s) = {rate:N0} rows/s; " +
                $"{preload.GetProperty("callable").GetInt64():N0} ready; reasons {preload.GetProperty("reasons")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: baseline raw INSERT ... SELECT: {baseline.Rows:N0} rows in {baseline.Seconds:F2} s = {baseline.Rate:N0} rows/s (runs: {baselineBefore.Seconds:F2} s before, {baselineAfter.Seconds:F2} s after)"));
            var result = ScenarioResult.Create(Name, size, "rows_per_s", rate, "rows/s", "raw INSERT ... SELECT of the same device rows into a calling-list partition", baseline.Rate);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: ratio {result.Ratio:G4} (targets: <= 10 s, ratio >= 0.4)"));
            return result with
            {
                Extra = new()
                {
                    ["seconds"] = Math.Round(wall, 2),
                    ["server_seconds"] = preload.GetProperty("seconds").GetDouble(),
                    ["rows"] = rows,
                    ["ready"] = preload.GetProperty("callable").GetInt64(),
                    ["baseline_seconds"] = Math.Round(baseline.Seconds, 2),
                },
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    private static async Task<Guid> UploadAsync(HttpClient http, string url, string file, string? spec, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        using var form = new MultipartFormDataContent { { new StreamContent(stream, 1 << 16), "file", Path.GetFileName(file) }, { new StringContent("replace"), "mode" } };
        if (spec is not null) form.Add(new StringContent(spec), "spec");
        var response = await http.PostAsync(url, form, ct);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"upload to {url} answered {(int)response.StatusCode}: {json}");
        return json.GetProperty("id").GetGuid();
    }

    private static async Task WaitSuppressionAsync(HttpClient http, Guid list, Guid import, CancellationToken ct)
    {
        while (true)
        {
            var status = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/suppression-lists/{list}/imports/{import}", ct)).RootElement;
            var state = status.GetProperty("state").GetString();
            if (state == "succeeded") return;
            if (state == "failed") throw new InvalidOperationException($"the suppression import failed: {status}");
            await Task.Delay(500, ct);
        }
    }

    /// <summary>A quarter of the numbers are the contacts' first phones (so the anti-join really removes rows), the rest other numbers.</summary>
    private static async Task WriteSuppressionAsync(string postgres, string path, int size, CancellationToken ct)
    {
        var own = new List<string>(size / 4);
        await using (var conn = new NpgsqlConnection(postgres))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT phones[1] FROM contact_records WHERE cardinality(phones) > 0 LIMIT @n", conn);
            cmd.Parameters.AddWithValue("n", size / 4);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) own.Add(r.GetString(0));
        }
        var random = new Random(7);
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await w.WriteAsync("phone\n");
        foreach (var p in own) await w.WriteAsync(p + "\n");
        for (var i = own.Count; i < size; i++)
            await w.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"+1{ImportFile.AreaCodes[random.Next(ImportFile.AreaCodes.Length)]}{200 + random.Next(700)}{random.Next(10_000):0000}\n"));
    }

    private sealed record Baseline(long Rows, double Seconds)
    {
        public double Rate => Rows / Seconds;
    }

    private static async Task<Baseline> RawInsertAsync(string postgres, Guid list, CancellationToken ct)
    {
        var fake = Guid.NewGuid();
        var part = "calling_list_" + fake.ToString("N");
        await using var conn = new NpgsqlConnection(postgres);
        await conn.OpenAsync(ct);
        await using (var create = new NpgsqlCommand($"CREATE TABLE {part} PARTITION OF calling_list FOR VALUES IN ('{fake}')", conn))
            await create.ExecuteNonQueryAsync(ct);
        var clock = Stopwatch.StartNew();
        long rows;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {part} (tenant_id, campaign_id, record_id, contact_info, contact_info_type, chain_id, chain_n, contact_id, list_id, dial_order)
            SELECT c.tenant_id, '{fake}', nextval('calling_list_record_ids'), d.phone, 0, 0, d.n, c.contact_id, c.list_id, c.source_row
            FROM contact_records c CROSS JOIN LATERAL unnest(c.phones) WITH ORDINALITY AS d(phone, n)
            WHERE c.list_id = @l
            """, conn) { CommandTimeout = 0 })
        {
            insert.Parameters.AddWithValue("l", list);
            rows = await insert.ExecuteNonQueryAsync(ct);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await using (var drop = new NpgsqlCommand($"DROP TABLE {part}", conn)) await drop.ExecuteNonQueryAsync(ct);
        return new Baseline(rows, seconds);
    }
}
