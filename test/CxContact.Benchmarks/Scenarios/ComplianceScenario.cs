using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CxContact.Testing.LocalServices;
using StackExchange.Redis;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// Pre-dial validation with N suppressed NANP numbers loaded: single validations over HTTP from 64 concurrent
/// clients (throughput, p50, p99) against a trivial authenticated endpoint of the same server, batch validation,
/// raw Redis lookups, the load time and Redis memory (measured, and projected to 100 M).
/// </summary>
public sealed class ComplianceScenario : IScenario
{
    private const int Clients = 64;
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(10);

    public string Name => "compliance";
    public string Description => "validations/s over HTTP (64 clients, p50/p99) with N suppressed numbers, vs a trivial endpoint; batch, load time, Redis memory";
    public int DefaultSize => 10_000_000;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-compliance-").FullName;
        try
        {
            await using var server = await BenchmarkServer.StartAsync("compliance", Path.Combine(work, "landing"), ct);
            var options = ConfigurationOptions.Parse(LocalRedis.ConfigurationString);
            options.AllowAdmin = true; // INFO memory
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var memoryBefore = await UsedMemoryAsync(redis);
            var list = (await server.PostAsync("/api/v1/suppression-lists", new { name = "dnc" }, ct)).GetProperty("id").GetGuid();

            var load = Stopwatch.StartNew();
            var batches = (size + 9_999) / 10_000;
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < batches)
                {
                    var entries = Enumerable.Range(b * 10_000, Math.Min(10_000, size - b * 10_000)).Select(i => new { type = "phone", value = RegistryFile.Number(i) }).ToArray();
                    var response = await server.Http.PostAsJsonAsync($"/api/v1/suppression-lists/{list}/entries", new { entries }, ct);
                    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"loading entries answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                    if (b % 100 == 0) Console.WriteLine($"  loaded {Math.Min(size, (b + 1) * 10_000):N0}");
                }
            }));
            var loadSeconds = load.Elapsed.TotalSeconds;
            var memoryMb = (await UsedMemoryAsync(redis) - memoryBefore) / (1024.0 * 1024);
            var areaCodes = ImportFile.AreaCodes.Length;
            // NANP bitmaps cost the same whatever their fill: 100 M numbers need at most every area code in use (~400).
            var projectedMb = memoryMb / Math.Min(areaCodes, (size + 9_999_999) / 10_000_000 * areaCodes) * Math.Max(areaCodes, 400);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: loaded {size:N0} suppressed numbers in {loadSeconds:F1} s; Redis +{memoryMb:F0} MB over {areaCodes} area codes; projected {projectedMb:F0} MB for 100 M"));

            var at = "2026-12-02T19:00:00Z"; // 14:00 Eastern, 11:00 Pacific: inside every window
            var random = new Random(7);
            var (trivial, trivialP50, trivialP99) = await RunAsync(() => server.Http.GetAsync("/api/v1/me", ct), ct);
            var (single, p50, p99) = await RunAsync(() => server.Http.PostAsJsonAsync("/api/v1/compliance/validate",
                new { phone = RegistryFile.Number(random.Next(size * 2)), at }, ct), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: single validations {single:N0}/s (p50 {p50:F2} ms, p99 {p99:F2} ms); trivial endpoint {trivial:N0}/s (p50 {trivialP50:F2} ms, p99 {trivialP99:F2} ms)"));
            // The 64 clients share the server's cores, so at 64 the latency is mostly the wait for a core. The same
            // calls from 8 clients show what a validation itself takes when the machine is not saturated.
            var (light, lightP50, lightP99) = await RunAsync(() => server.Http.PostAsJsonAsync("/api/v1/compliance/validate",
                new { phone = RegistryFile.Number(random.Next(size * 2)), at }, ct), ct, clients: 8);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: single validations from 8 clients {light:N0}/s (p50 {lightP50:F2} ms, p99 {lightP99:F2} ms)"));

            var batch = Enumerable.Range(0, 10_000).Select(i => new { phone = RegistryFile.Number(random.Next(size * 2)), at }).ToArray();
            // Every decision is audited by a background COPY into PostgreSQL on the same cores. The single validations'
            // rows are written before the batch starts, so their audit does not count against it.
            await using var auditDb = new Npgsql.NpgsqlConnection(server.Postgres);
            await auditDb.OpenAsync(ct);
            async Task<long> AuditedAsync(DateTimeOffset? since)
            {
                await using var count = new Npgsql.NpgsqlCommand(since is null ? "SELECT count(*) FROM compliance_decisions"
                    : "SELECT count(*) FROM compliance_decisions WHERE tenant_id = $1 AND decided_at >= $2", auditDb);
                if (since is not null)
                {
                    count.Parameters.Add(new Npgsql.NpgsqlParameter { Value = server.TenantId });
                    count.Parameters.Add(new Npgsql.NpgsqlParameter { Value = since.Value });
                }
                return (long)(await count.ExecuteScalarAsync(ct))!;
            }
            long audited = -1, auditNow;
            while ((auditNow = await AuditedAsync(null)) != audited) { audited = auditNow; await Task.Delay(500, ct); }
            var batchPhase = DateTimeOffset.UtcNow; // every decision made from here on is the batch's
            var warm = await server.PostAsync("/api/v1/compliance/validate-batch", new { items = batch }, ct); // warm-up, and the answer checked once
            if (warm.GetProperty("results").GetArrayLength() != batch.Length) throw new InvalidOperationException("validate-batch answered a different number of results");
            // The body is serialised once and the answer read as bytes: the client's own JSON work is not the server's speed.
            var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { items = batch });
            async Task<double> BatchCallAsync()
            {
                var start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
                using var response = await server.Http.PostAsync("/api/v1/compliance/validate-batch", content, ct);
                var answer = await response.Content.ReadAsByteArrayAsync(ct);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"validate-batch answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
                return Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            // More warm-up (tiered JIT reaches the batch path's loops only after a few calls), then one caller, one call
            // at a time, long enough that one slow call (a GC, another process) moves the figure little.
            for (var i = 0; i < 5; i++) await BatchCallAsync();
            const int batchCalls = 40;
            var callSeconds = new double[batchCalls];
            var lastCall = DateTimeOffset.UtcNow;
            var batchClock = Stopwatch.StartNew();
            for (var i = 0; i < batchCalls; i++)
            {
                lastCall = DateTimeOffset.UtcNow;
                callSeconds[i] = await BatchCallAsync();
            }
            var batchElapsed = batchClock.Elapsed.TotalSeconds;
            var perCall = callSeconds.Select(s => batch.Length / s).Order().ToArray();
            // The audit is written in decision order, so it has caught up when the last call's rows are all in; then
            // every decision must be there, one row each.
            var auditClock = Stopwatch.StartNew();
            while (await AuditedAsync(lastCall) < batch.Length && auditClock.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(100, ct);
            var auditLag = auditClock.Elapsed.TotalSeconds;
            audited = await AuditedAsync(batchPhase);
            if (audited != (1 + 5 + batchCalls) * (long)batch.Length)
                throw new InvalidOperationException($"the audit holds {audited:N0} rows for {(1 + 5 + batchCalls) * batch.Length:N0} batch decisions");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: batch of {batch.Length:N0}, one caller, {batchCalls} calls after 6 warm-up calls: {batchCalls * batch.Length / batchElapsed:N0} numbers/s overall; per call median {perCall[batchCalls / 2]:N0}, range {perCall[0]:N0}-{perCall[^1]:N0}; the audit ({audited:N0} rows) caught up {auditLag:F1} s after the last answer"));
            var batchRate = batchCalls * batch.Length / batchElapsed;

            var raw = await RawRedisAsync(redis, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: batch {batchRate:N0} numbers/s; raw Redis GETBIT {raw:N0}/s"));

            var file = await RegistryFile.WriteAsync(work, size, ct);
            var registry = (await server.PostAsync("/api/v1/suppression-lists", new { name = "registry file" }, ct)).GetProperty("id").GetGuid();
            var fileSeconds = await RegistryFile.LoadAsync(server, registry, file, "append", ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the same {size:N0} numbers as a CSV import into an empty list: {fileSeconds:F1} s (upload, parse, COPY, index)"));
            var replaceSeconds = await RegistryFile.LoadAsync(server, registry, file, "replace", ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the same file again, replacing that list: {replaceSeconds:F1} s (upload, parse, COPY, index, rebuild)"));

            var result = ScenarioResult.Create(Name, size, "validations_per_s", single, "validations/s", "trivial authenticated endpoint (GET /api/v1/me)", trivial);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: ratio {result.Ratio:G4} (targets: >= 0.5 of the trivial endpoint, p99 <= 5 ms, batch >= 200,000/s, 10 M loaded <= 60 s (as a file), 100 M <= 2 GB)"));
            return result with
            {
                Extra = new()
                {
                    ["p50_ms"] = Math.Round(p50, 2), ["p99_ms"] = Math.Round(p99, 2), ["batch_numbers_per_s"] = Math.Round(batchRate),
                    ["trivial_p99_ms"] = Math.Round(trivialP99, 2), ["p99_8_clients_ms"] = Math.Round(lightP99, 2), ["per_s_8_clients"] = Math.Round(light), ["load_api_s"] = Math.Round(loadSeconds, 1), ["load_api_10m_s"] = Math.Round(loadSeconds * 10_000_000.0 / size, 1),
                    // A registry arrives as a file: the load figure is the CSV import into an empty list, projected to 10 M.
                    ["load_file_s"] = Math.Round(fileSeconds, 1), ["load_10m_s"] = Math.Round(fileSeconds * 10_000_000.0 / size, 1),
                    ["replace_file_s"] = Math.Round(replaceSeconds, 1),
                    ["redis_mb"] = Math.Round(memoryMb), ["redis_mb_per_100m"] = Math.Round(projectedMb), ["raw_redis_lookups_per_s"] = Math.Round(raw),
                },
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>Requests/s from 64 (or <paramref name="clients"/>) concurrent clients over a fixed time, with p50 and p99 latency in ms.</summary>
    private static async Task<(double PerSecond, double P50, double P99)> RunAsync(Func<Task<HttpResponseMessage>> call, CancellationToken ct, int clients = Clients)
    {
        for (var i = 0; i < 500; i++) (await call()).Dispose(); // warm-up
        var latencies = new List<double>[clients];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(4096);
            while (clock.Elapsed < Measure && !ct.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await call();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / clock.Elapsed.TotalSeconds, all[all.Length / 2], all[(int)(all.Length * 0.99)]);
    }

    private static async Task<double> RawRedisAsync(ConnectionMultiplexer redis, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var key = (RedisKey)("bench:raw:" + Guid.NewGuid().ToString("N"));
        await db.StringSetBitAsync(key, 9_999_999, true);
        var count = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var r = new Random(c);
            while (clock.Elapsed < TimeSpan.FromSeconds(5) && !ct.IsCancellationRequested)
            {
                await db.StringGetBitAsync(key, r.Next(10_000_000));
                Interlocked.Increment(ref count);
            }
        }));
        await db.KeyDeleteAsync(key);
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<long> UsedMemoryAsync(ConnectionMultiplexer redis)
    {
        var info = await redis.GetServers()[0].InfoAsync("memory");
        return long.Parse(info.SelectMany(g => g).First(kv => kv.Key == "used_memory").Value, CultureInfo.InvariantCulture);
    }
}
