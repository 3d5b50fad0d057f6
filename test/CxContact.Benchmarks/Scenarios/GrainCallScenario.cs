using System.Globalization;
using CxContact.Benchmarks.Measurement;
using CxContact.Core.Tenancy;
using Npgsql;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// What one call to an activated grain with persistent state costs, against a method call on an ordinary object.
/// The grain is the real <see cref="ITenantGrain"/> on the production storage configuration; its state is written to
/// PostgreSQL and read back by a fresh activation before timing, so the measured calls are served from loaded state.
/// </summary>
public sealed class GrainCallScenario : IScenario
{
    private const int Concurrency = 64;
    private const int Rounds = 5;

    public string Name => "grain-call";

    public string Description =>
        $"calls/s of ITenantGrain.GetSettingsAsync (persistent state on PostgreSQL) from {Concurrency} concurrent callers, vs an in-process method call";

    public int DefaultSize => 100_000;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        Console.WriteLine($"{Name}: starting PostgreSQL and a one-silo cluster");
        await using var cluster = await BenchmarkCluster.StartAsync("bench", ct);

        var tenant = cluster.Grains.GetGrain<ITenantGrain>(Guid.NewGuid());
        var written = new TenantSettings("CA", "America/Toronto", DateTimeOffset.UtcNow);
        await tenant.UpdateSettingsAsync(written);
        await ReportStoredRowAsync(cluster, ct);

        // A fresh activation must load what was written; otherwise the benchmark would time a grain whose
        // "persistent" state never left memory.
        await cluster.DeactivateAsync(tenant);
        var loaded = await tenant.GetSettingsAsync();
        if (loaded != written)
            throw new InvalidOperationException($"the reactivated grain returned {loaded}, not the settings written ({written})");
        Console.WriteLine($"{Name}: reactivated grain read its state back from PostgreSQL");

        var local = new InProcessTenantSettings(loaded);
        Func<Task<TenantSettings>> grainCall = tenant.GetSettingsAsync;
        Func<Task<TenantSettings>> localCall = local.GetSettingsAsync;

        // Both paths reach their steady state (tiered JIT, Orleans' pooled buffers, GC heap size) before anything is timed.
        var warmUpCalls = Math.Min(size, 20_000);
        var (grainWarmRounds, grainWarmTime, grainWarmRate) = await ThroughputRunner.WarmUpAsync(warmUpCalls, Concurrency, grainCall,
            TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30), ct);
        var (localWarmRounds, localWarmTime, localWarmRate) = await ThroughputRunner.WarmUpAsync(warmUpCalls, Concurrency, localCall,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: warmed up: grain {grainWarmRounds} rounds of {warmUpCalls:N0} in {grainWarmTime.TotalSeconds:F1} s (last {grainWarmRate:N0} calls/s), " +
            $"baseline {localWarmRounds} rounds in {localWarmTime.TotalSeconds:F1} s (last {localWarmRate:N0} calls/s)"));

        var grainRates = new List<double>();
        var (grain, baseline) = await ThroughputRunner.CompareAsync(Rounds, size, Concurrency, grainCall, localCall, (round, g, b) =>
        {
            grainRates.Add(g.PerSecond);
            Console.WriteLine($"{Name}:   round {round}/{Rounds}: grain {Rate(g)}; baseline {Rate(b)}");
        }, ct);
        // The median hides a spread; say so when it is large, because then the number is the machine's, not Orleans'.
        if (grainRates.Max() > 1.5 * grainRates.Min())
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: note: grain rounds varied {grainRates.Max() / grainRates.Min():F1}x; the machine is busy or the JIT was still warming up"));

        // One caller at a time shows the latency of a single call, which the concurrent headline hides.
        var sequentialCalls = Math.Min(size, 5_000);
        var grainSeq = await ThroughputRunner.RunAsync(sequentialCalls, 1, grainCall, ct);
        var localSeq = await ThroughputRunner.RunAsync(sequentialCalls, 1, localCall, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: sequential (1 caller, {sequentialCalls:N0} calls): grain {Latency(grainSeq.MeanLatencyNanoseconds)} per call, " +
            $"in-process {Latency(localSeq.MeanLatencyNanoseconds)} per call"));

        var result = ScenarioResult.Create(Name, size, "calls_per_second", grain.PerSecond, "calls/s",
            "in-process method call", baseline.PerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {size:N0} calls in {grain.Elapsed.TotalSeconds:F2} s = {grain.PerSecond:N0} calls/s; " +
            $"baseline in-process method call {baseline.PerSecond:N0} calls/s; ratio {result.Ratio:G4}"));
        return result;
    }

    private async Task ReportStoredRowAsync(BenchmarkCluster cluster, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cluster.Postgres);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT grain_type, version, octet_length(payload) FROM orleans_grain_state WHERE service_id = @s", conn);
        cmd.Parameters.AddWithValue("s", cluster.ServiceId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
            throw new InvalidOperationException("UpdateSettingsAsync returned but no grain-state row was written to orleans_grain_state");
        Console.WriteLine($"{Name}: grain state persisted: orleans_grain_state row for {r.GetString(0)}, " +
            $"version {r.GetInt32(1)}, {(r.IsDBNull(2) ? 0 : r.GetInt32(2))} bytes");
    }

    private static string Rate(ThroughputSample s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Calls:N0} calls in {s.Elapsed.TotalMilliseconds:F1} ms = {s.PerSecond:N0} calls/s");

    // An in-process call takes nanoseconds and a grain call tens of microseconds; one unit would show one of them as 0.
    private static string Latency(double nanoseconds) => nanoseconds >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1000:F1} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:F0} ns");
}
