using System.Diagnostics;

namespace CxContact.Benchmarks.Measurement;

/// <summary>
/// Makes a fixed number of async calls from a fixed number of concurrent callers and times them. The subject and
/// its baseline go through this same code, so the loop, the delegate and the bookkeeping cost both sides alike.
/// </summary>
public static class ThroughputRunner
{
    private const int WarmUpWindow = 5;

    public static async Task<ThroughputSample> RunAsync<T>(int calls, int concurrency, Func<Task<T>> call, CancellationToken ct)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        concurrency = Math.Clamp(concurrency, 1, calls);

        // Callers wait at one gate so the clock measures calls, not the staggered start-up of the callers.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = new Task<int>[concurrency];
        for (var c = 0; c < concurrency; c++)
        {
            var share = calls / concurrency + (c < calls % concurrency ? 1 : 0);
            callers[c] = Task.Run(async () =>
            {
                await gate.Task;
                var seen = 0;
                for (var i = 0; i < share; i++)
                {
                    if ((i & 255) == 0) ct.ThrowIfCancellationRequested();
                    // Counting the results both consumes them (so a call that is inlined cannot be dropped) and
                    // proves every call really returned something.
                    if (await call() is not null) seen++;
                }
                return seen;
            }, ct);
        }

        var clock = Stopwatch.StartNew();
        gate.SetResult();
        var counts = await Task.WhenAll(callers);
        clock.Stop();

        var total = counts.Sum();
        if (total != calls) throw new InvalidOperationException($"expected {calls} results, got {total}");
        return new ThroughputSample(calls, concurrency, clock.Elapsed);
    }

    /// <summary>
    /// Repeats rounds for at least <paramref name="minimum"/>, then until the rate has stopped rising (the mean of the
    /// last <see cref="WarmUpWindow"/> rounds is within 5% of the window before it), for at most
    /// <paramref name="maximum"/>. A fixed warm-up is not enough: the tiered JIT and dynamic PGO promote hot code in
    /// the background, and on a busy 2-core machine the grain path kept getting faster for several hundred thousand
    /// calls, so timed rounds measured the JIT rather than Orleans. Windows, not single rounds, because one lucky
    /// round would otherwise look like a plateau.
    /// </summary>
    public static async Task<(int Rounds, TimeSpan Elapsed, double LastPerSecond)> WarmUpAsync<T>(int calls, int concurrency,
        Func<Task<T>> call, TimeSpan minimum, TimeSpan maximum, CancellationToken ct)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        var rates = new List<double>();
        while (true)
        {
            rates.Add((await RunAsync(calls, concurrency, call, ct)).PerSecond);
            if (clock.Elapsed >= maximum) break;
            if (clock.Elapsed < minimum || rates.Count < 2 * WarmUpWindow) continue;
            var last = rates.TakeLast(WarmUpWindow).Average();
            var before = rates.SkipLast(WarmUpWindow).TakeLast(WarmUpWindow).Average();
            if (last <= before * 1.05) break;
        }
        return (rates.Count, clock.Elapsed, rates.TakeLast(WarmUpWindow).Average());
    }

    /// <summary>
    /// Times the subject and its baseline in alternating rounds and returns the median round of each. Alternating
    /// puts both under the same background load (other processes, GC, the silo's timers), and the median keeps one
    /// stray pause from deciding the ratio, which matters most for a baseline whose round lasts milliseconds.
    /// </summary>
    public static async Task<(ThroughputSample Subject, ThroughputSample Baseline)> CompareAsync<T>(int rounds, int calls, int concurrency,
        Func<Task<T>> subject, Func<Task<T>> baseline, Action<int, ThroughputSample, ThroughputSample>? onRound, CancellationToken ct)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var subjects = new List<ThroughputSample>(rounds);
        var baselines = new List<ThroughputSample>(rounds);
        for (var r = 0; r < rounds; r++)
        {
            var s = await RunAsync(calls, concurrency, subject, ct);
            var b = await RunAsync(calls, concurrency, baseline, ct);
            subjects.Add(s);
            baselines.Add(b);
            onRound?.Invoke(r + 1, s, b);
        }
        return (Median(subjects), Median(baselines));
    }

    private static ThroughputSample Median(List<ThroughputSample> samples) =>
        samples.OrderBy(s => s.Elapsed).ElementAt(samples.Count / 2);
}
