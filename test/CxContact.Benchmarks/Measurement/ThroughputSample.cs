namespace CxContact.Benchmarks.Measurement;

/// <summary>One timed run of a fixed number of calls.</summary>
public readonly record struct ThroughputSample(int Calls, int Concurrency, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Calls / Elapsed.TotalSeconds : 0;

    /// <summary>
    /// Mean time one caller waited for one call. A double, not a TimeSpan: TimeSpan arithmetic rounds to 100 ns
    /// ticks, which turns an in-process call into 0.
    /// </summary>
    public double MeanLatencyNanoseconds => Calls > 0 ? Elapsed.TotalNanoseconds * Concurrency / Calls : 0;
}
