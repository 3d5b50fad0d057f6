using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Testing.LocalServices;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// Redis lost under a loaded system: N suppressed numbers and N/10 attempts over the last 8 days in PostgreSQL, then
/// FLUSHALL. Measures the time from the FLUSHALL to the first allow (which the server gives only once every suppression
/// index and attempt window is back), and counts false allows by replaying a fixed set of numbers whose right answers
/// are known, during the rebuild and for a while after it. Baseline: loading the same N numbers into an empty list, in
/// the same run, on the same machine.
/// </summary>
public sealed class RecoveryScenario : IScenario
{
    private const int Probes = 1000; // per kind: suppressed, clean, Florida with 3 attempts today, Florida with 2
    private static readonly TimeSpan After = TimeSpan.FromSeconds(10);

    public string Name => "recovery";
    public string Description => "FLUSHALL to the first correct allow, with N suppressed numbers and N/10 attempts in 8 days rebuilt from PostgreSQL, vs loading N numbers into an empty list";
    public int DefaultSize => 10_000_000;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-recovery-").FullName;
        using var redis = PrivateRedis.Start();
        try
        {
            await using var server = await BenchmarkServer.StartAsync("recovery", Path.Combine(work, "landing"), ct, redis.ConfigurationString);
            var file = await RegistryFile.WriteAsync(work, size, ct);
            var list = (await server.PostAsync("/api/v1/suppression-lists", new { name = "registry" }, ct)).GetProperty("id").GetGuid();
            var baseline = await RegistryFile.LoadAsync(server, list, file, "append", ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: baseline: {size:N0} numbers loaded into an empty list in {baseline:F1} s"));

            // Validations are asked for 14:00 Eastern today: inside every US calling window, and attempts placed before it
            // are inside the 8 days a rebuild reloads whatever the time of the run.
            var at = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(19), TimeSpan.Zero);
            var attempts = size / 10;
            var copy = Stopwatch.StartNew();
            await CopyAttemptsAsync(server, at, attempts, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: {attempts:N0} attempts COPYed into call_attempts in {copy.Elapsed.TotalSeconds:F1} s"));

            var random = new Random(12);
            var probes = new List<string>();
            probes.AddRange(Enumerable.Range(0, Probes).Select(_ => RegistryFile.Number(random.Next(size))));          // suppressed
            probes.AddRange(Enumerable.Range(0, Probes).Select(i => RegistryFile.Number(size + i * 7)));               // not on the list
            probes.AddRange(Enumerable.Range(0, Probes).Select(Florida3));                                              // 3 attempts today
            probes.AddRange(Enumerable.Range(0, Probes).Select(Florida2));                                              // 2 attempts today
            var body = JsonSerializer.SerializeToUtf8Bytes(new { items = probes.Select(p => new { phone = p, at }).ToArray() });

            // The attempts went to PostgreSQL only; a first loss and rebuild makes Redis whole, and the answers then are
            // the right ones (checked against how the probes were made).
            var warm = await LoseAndRecoverAsync(redis, server, body, null, ct);
            var expected = warm.Last;
            Check(expected, probes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: first rebuild (Redis had no attempts yet): {warm.FirstAllow:F1} s"));

            var measured = await LoseAndRecoverAsync(redis, server, body, expected, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: FLUSHALL to the first allow {measured.FirstAllow:F1} s, to every answer right {measured.AllRight:F1} s; {measured.Batches} replays of {probes.Count:N0} numbers: {measured.FalseAllows} false allows, {measured.LastingFalseDenies} false denies after recovery"));

            var result = ScenarioResult.Create(Name, size, "recovery_s", measured.FirstAllow, "s", $"load {size:N0} numbers into an empty list", baseline);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: ratio {result.Ratio:G4} (targets: false_allows 0, recovery_s <= 1.5x the baseline)"));
            return result with
            {
                Extra = new()
                {
                    ["false_allows"] = measured.FalseAllows, ["false_denies_after"] = measured.LastingFalseDenies, ["all_right_s"] = Math.Round(measured.AllRight, 1),
                    ["attempts"] = attempts, ["replays"] = measured.Batches, ["probes"] = probes.Count,
                },
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    private sealed record Recovery(double FirstAllow, double AllRight, long FalseAllows, long LastingFalseDenies, int Batches, string[] Last);

    /// <summary>
    /// FLUSHALL, then replays the probes until every answer is the expected one (or, without expectations, until the
    /// answers have allowed something and stopped changing), and for <see cref="After"/> more.
    /// </summary>
    private static async Task<Recovery> LoseAndRecoverAsync(PrivateRedis redis, BenchmarkServer server, byte[] body, string[]? expected, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        redis.Flush();
        double firstAllow = -1, allRight = -1;
        long falseAllows = 0, falseDenies = 0;
        var batches = 0;
        string[]? last = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
            using var response = await server.Http.PostAsync("/api/v1/compliance/validate-batch", content, ct);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"validate-batch answered {(int)response.StatusCode}: {json}");
            var answers = json.GetProperty("results").EnumerateArray()
                .Select(r => r.GetProperty("decision").GetString() + ":" + (r.GetProperty("reasons").GetArrayLength() > 0 ? r.GetProperty("reasons")[0].GetProperty("rule").GetString() : "")).ToArray();
            var elapsed = clock.Elapsed.TotalSeconds;
            batches++;
            if (firstAllow < 0 && answers.Any(a => a.StartsWith("allow", StringComparison.Ordinal))) firstAllow = elapsed;
            if (expected is not null)
            {
                for (var i = 0; i < answers.Length; i++)
                {
                    if (answers[i].StartsWith("allow", StringComparison.Ordinal) && !expected[i].StartsWith("allow", StringComparison.Ordinal)) falseAllows++;
                    else if (allRight >= 0 && answers[i] != expected[i]) falseDenies++;
                }
                if (allRight < 0 && answers.SequenceEqual(expected)) allRight = elapsed;
            }
            else if (firstAllow >= 0 && last is not null && answers.SequenceEqual(last) && allRight < 0) allRight = elapsed;
            last = answers;
            if (allRight >= 0 && elapsed - allRight > After.TotalSeconds) break;
            // A few replays a second: each one's 4,000 decisions are audited into the same PostgreSQL the rebuild reads.
            await Task.Delay(250, ct);
        }
        if (allRight < 0) throw new TimeoutException("the answers were not right again within 10 minutes of the FLUSHALL");
        return new Recovery(firstAllow, allRight, falseAllows, falseDenies, batches, last!);
    }

    /// <summary>The consistent answers must be what the probes were made to be.</summary>
    private static void Check(string[] answers, List<string> probes)
    {
        string[] kinds = ["deny:suppressed", "allow", "deny:us-fl-3-per-24h", "allow"];
        for (var k = 0; k < kinds.Length; k++)
        {
            var wrong = Enumerable.Range(k * Probes, Probes).Where(i => !answers[i].StartsWith(kinds[k], StringComparison.Ordinal)).ToList();
            // Clean numbers may meet a state's own rule (a holiday, say); the others must be exactly what was made.
            if (wrong.Count > (k == 1 ? Probes / 10 : 0))
                throw new InvalidOperationException($"{wrong.Count} probes of kind {kinds[k]} answered otherwise, e.g. {probes[wrong[0]]}: {answers[wrong[0]]}");
        }
    }

    private static string Florida3(int i) => string.Create(CultureInfo.InvariantCulture, $"+1754{200 + i / 10_000}{i % 10_000:0000}");
    private static string Florida2(int i) => string.Create(CultureInfo.InvariantCulture, $"+1754{300 + i / 10_000}{i % 10_000:0000}");

    /// <summary>
    /// The attempts, straight into call_attempts with binary COPY (what years of dialing leave behind): 3 today for each
    /// "Florida 3" probe, 2 today for each "Florida 2" probe, the rest spread over 8 days on other Florida numbers, each
    /// with a contact id (two windows per attempt, as dialer results have).
    /// </summary>
    private static async Task CopyAttemptsAsync(BenchmarkServer server, DateTimeOffset at, int count, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(server.Postgres);
        await conn.OpenAsync(ct);
        await using var w = await conn.BeginBinaryImportAsync(
            "COPY call_attempts (tenant_id, attempt_id, at, phone, contact_id, result, source) FROM STDIN (FORMAT BINARY)", ct);
        var random = new Random(3);
        var written = 0;
        async Task Row(string phone, DateTimeOffset when)
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(server.TenantId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(when.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(phone, NpgsqlDbType.Text, ct);
            await w.WriteAsync("c" + phone[2..], NpgsqlDbType.Text, ct);
            await w.WriteAsync("no-answer", NpgsqlDbType.Text, ct);
            await w.WriteAsync("benchmark", NpgsqlDbType.Text, ct);
            written++;
        }
        for (var i = 0; i < Probes; i++)
            for (var h = 1; h <= 3; h++) await Row(Florida3(i), at.AddHours(-h));
        for (var i = 0; i < Probes; i++)
            for (var h = 1; h <= 2; h++) await Row(Florida2(i), at.AddHours(-h));
        while (written < count)
        {
            var n = random.Next(2_000_000);
            await Row(string.Create(CultureInfo.InvariantCulture, $"+1689{200 + n / 10_000 % 800}{n % 10_000:0000}"), at.AddMinutes(-random.Next(7 * 24 * 60)));
        }
        await w.CompleteAsync(ct);
    }
}
