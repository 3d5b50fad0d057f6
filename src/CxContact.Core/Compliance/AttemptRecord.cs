namespace CxContact.Core.Compliance;

/// <summary>
/// One earlier attempt: when, its result (e.g. "abandoned", "answered") if known, and the campaign it was made
/// for if any (what a campaign-scoped attempt limit counts by).
/// </summary>
[GenerateSerializer, Alias("cxc.AttemptRecord")]
public sealed record AttemptRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string? Result,
    [property: Id(2)] string? Campaign = null,
    [property: Id(3)] string? Id = null);
