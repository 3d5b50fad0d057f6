namespace CxContact.Core.Dialing;

/// <summary>What a simulator run did so far. Rates are per simulated hour; abandonment is over the run's legal window.</summary>
[GenerateSerializer, Alias("cxc.SimulationReport")]
public sealed record SimulationReport
{
    [Id(0)] public required DateTimeOffset StartedAt { get; init; }
    [Id(1)] public bool Running { get; init; }
    [Id(2)] public double SimulatedSeconds { get; init; }
    [Id(3)] public long Dialed { get; init; }
    [Id(4)] public long Connected { get; init; }
    [Id(5)] public long Abandoned { get; init; }
    [Id(6)] public double AbandonRate { get; init; }
    [Id(7)] public double DialRatio { get; init; }
    [Id(8)] public double AgentUtilisation { get; init; }
    [Id(9)] public double ContactsPerHour { get; init; }
    [Id(10)] public IReadOnlyDictionary<string, long> Results { get; init; } = new Dictionary<string, long>();
    [Id(11)] public string? StoppedBecause { get; init; }
    [Id(12)] public string Pacing { get; init; } = "progressive";
    [Id(13)] public long Leases { get; init; }
}
