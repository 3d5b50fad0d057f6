namespace CxContact.Core.Compliance;

/// <summary>One earlier attempt: when, and its result (e.g. "abandoned", "answered"), if known.</summary>
[GenerateSerializer, Alias("cxc.AttemptRecord")]
public sealed record AttemptRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string? Result);
