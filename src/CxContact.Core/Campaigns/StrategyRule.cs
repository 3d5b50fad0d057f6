namespace CxContact.Core.Campaigns;

/// <summary>
/// How a contact strategy treats one call result. A retry waits DelayMinutes plus IncrementMinutes for each retry
/// already made, and after MaxRetries retries does Then (next device or done).
/// </summary>
[GenerateSerializer, Alias("cxc.StrategyRule")]
public sealed record StrategyRule
{
    [Id(0)] public required CallResult Result { get; init; }
    [Id(1)] public required StrategyAction Action { get; init; }
    [Id(2)] public int DelayMinutes { get; init; }
    [Id(3)] public int IncrementMinutes { get; init; }
    [Id(4)] public int MaxRetries { get; init; }
    [Id(5)] public StrategyAction Then { get; init; } = StrategyAction.NextDevice;
    [Id(6)] public CallResult? SameAs { get; init; }
}
