using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// One key floods the API far past its limit (a tenant with its own 100 requests a second): how many answers a second
/// the server gives the flood (nearly all 429 with Retry-After), against the same client flooding the cheapest endpoint
/// there is (/health/live, anonymous, no limiter, no database). Meanwhile another tenant calls one request at a time,
/// and its latency during the flood is printed beside its latency on a quiet server.
/// </summary>
public sealed class AbuseScenario : IScenario
{
    private const int Concurrency = 64;

    public string Name => "abuse";

    public string Description =>
        $"answers/s to one key flooding GET /api/v1/me from {Concurrency} connections at 100 req/s allowed, vs the same flood on /health/live; another tenant's latency meanwhile";

    public int DefaultSize => 100_000;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var landing = Directory.CreateTempSubdirectory("cxc-bench-abuse-").FullName;
        await using var server = await BenchmarkServer.StartAsync("abuse", landing, ct);
        var admin = Client(server, server.AdminKey);
        var other = await admin.PostAsJsonAsync("/api/v1/tenants", new { name = "Bystander" }, ct);
        var otherKey = JsonDocument.Parse(await other.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("adminKey").GetProperty("key").GetString()!;
        (await admin.PutAsJsonAsync($"/api/v1/tenants/{server.TenantId}/limits", new { requestsPerSecondPerKey = 100, requestsPerSecondPerTenant = 200 }, ct))
            .EnsureSuccessStatusCode();
        var flooder = Client(server, server.TenantKey);
        var bystander = Client(server, otherKey);

        var quiet = await LatencyAsync(bystander, 200, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: the other tenant on a quiet server: median {quiet.Median:F1} ms, p99 {quiet.P99:F1} ms"));

        // Warm both paths, then time the baseline and the flood.
        await FloodAsync(Client(server, null), "/health/live", Math.Min(size, 10_000), ct);
        await FloodAsync(flooder, "/api/v1/me", Math.Min(size, 10_000), ct);
        var baseline = await FloodAsync(Client(server, null), "/health/live", size, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: baseline /health/live: {size:N0} answers in {baseline.Elapsed.TotalSeconds:F1} s = {baseline.PerSecond:N0}/s"));

        var flood = FloodAsync(flooder, "/api/v1/me", size, ct);
        var during = await LatencyAsync(bystander, 200, ct);
        var f = await flood;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: flood: {size:N0} answers in {f.Elapsed.TotalSeconds:F1} s = {f.PerSecond:N0}/s; {f.Refused:N0} refused (429 with Retry-After), {f.Ok:N0} served, {f.Other:N0} other"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: the other tenant during the flood: median {during.Median:F1} ms, p99 {during.P99:F1} ms, {during.Failures} not 200"));
        if (f.Other > 0 || during.Failures > 0) throw new InvalidOperationException("the flood got answers other than 200/429, or the other tenant was refused");

        var result = ScenarioResult.Create(Name, size, "answers_per_second", f.PerSecond, "answers/s", "/health/live flood", baseline.PerSecond) with
        {
            Extra = new Dictionary<string, object>
            {
                ["refused"] = f.Refused, ["served"] = f.Ok,
                ["bystander_p99_ms_quiet"] = Math.Round(quiet.P99, 1), ["bystander_p99_ms_during"] = Math.Round(during.P99, 1),
            },
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: ratio {result.Ratio:G4} (flood answers/s over /health/live answers/s)"));
        try { Directory.Delete(landing, true); } catch (IOException) { }
        return result;
    }

    private static HttpClient Client(BenchmarkServer server, string? key)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = server.BaseAddress };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private sealed record Flood(TimeSpan Elapsed, long Ok, long Refused, long Other)
    {
        public double PerSecond => (Ok + Refused + Other) / Elapsed.TotalSeconds;
    }

    private static async Task<Flood> FloodAsync(HttpClient http, string url, int requests, CancellationToken ct)
    {
        long ok = 0, refused = 0, other = 0, next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                using var r = await http.GetAsync(url, ct);
                await r.Content.LoadIntoBufferAsync(ct);
                if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                else if (r.StatusCode == HttpStatusCode.TooManyRequests && r.Headers.RetryAfter is not null) Interlocked.Increment(ref refused);
                else Interlocked.Increment(ref other);
            }
        }));
        return new Flood(clock.Elapsed, ok, refused, other);
    }

    private static async Task<(double Median, double P99, int Failures)> LatencyAsync(HttpClient http, int calls, CancellationToken ct)
    {
        var times = new List<double>();
        var failures = 0;
        for (var i = 0; i < calls; i++)
        {
            var t = Stopwatch.StartNew();
            using var r = await http.GetAsync("/api/v1/me", ct);
            await r.Content.LoadIntoBufferAsync(ct);
            times.Add(t.Elapsed.TotalMilliseconds);
            if (r.StatusCode != HttpStatusCode.OK) failures++;
            await Task.Delay(10, ct);
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.99)], failures);
    }
}
