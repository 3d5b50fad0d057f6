namespace CxContact.Core.Campaigns;

/// <summary>What the last preload did: rows written, how many are in, and how many were left out for each reason.</summary>
[GenerateSerializer, Alias("cxc.PreloadSummary")]
public sealed record PreloadSummary(
    [property: Id(0)] DateTimeOffset StartedAt,
    [property: Id(1)] DateTimeOffset FinishedAt,
    [property: Id(2)] long Rows,
    [property: Id(3)] long Callable,
    [property: Id(4)] IReadOnlyDictionary<string, long> Reasons,
    [property: Id(5)] bool Incremental,
    [property: Id(6)] string? Error);
