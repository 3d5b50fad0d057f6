using System.Diagnostics;

namespace CxContact.Benchmarks.Measurement;

/// <summary>
/// Makes a fixed number of async calls from a fixed number of concurrent callers and times them. The subject and
/// its baseline go through this same code, so the loop, the delegate and the bookkeeping cost both sides alike.
/// </summary>
public static class ThroughputRunner
{
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
    /// Repeats rounds until the rate stops improving (three rounds in a row no more than 5% above the best so far),
    /// but for at least <paramref name="minimum"/> and at most <paramref name="maximum"/>. A fixed warm-up is not
    /// enough: the tiered JIT promotes hot code in the background, and on a busy machine the grain path kept getting
    /// faster for seconds, so the first timed rounds measured the JIT rather than Orleans.
    /// </summary>
    public static async Task<(int Rounds, TimeSpan Elapsed, double BestPerSecond)> WarmUpAsync<T>(int calls, int concurrency,
        Func<Task<T>> call, TimeSpan minimum, TimeSpan maximum, CancellationToken ct)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        double best = 0;
        int rounds = 0, flat = 0;
        while (true)
        {
            var s = await RunAsync(calls, concurrency, call, ct);
            rounds++;
            flat = s.PerSecond > best * 1.05 ? 0 : flat + 1;
            best = Math.Max(best, s.PerSecond);
            if (clock.Elapsed >= maximum || (clock.Elapsed >= minimum && flat >= 3)) return (rounds, clock.Elapsed, best);
        }
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
