namespace CxContact.Core.Compliance;

/// <summary>No new attempt until <see cref="Gap"/> has passed since an attempt that ended with one of <see cref="AfterResults"/>.</summary>
[GenerateSerializer, Alias("cxc.MinimumGapRule")]
public sealed record MinimumGapRule
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Citation { get; init; }
    [Id(2)] public required DateOnly EffectiveFrom { get; init; }
    [Id(3)] public string? Country { get; init; }
    [Id(4)] public string? Region { get; init; }
    [Id(5)] public IReadOnlyList<Channel> Channels { get; init; } = new[] { Channel.Voice, Channel.Sms };

    /// <summary>Compared case-insensitively with <see cref="AttemptRecord.Result"/>.</summary>
    [Id(6)] public required IReadOnlyList<string> AfterResults { get; init; }
    [Id(7)] public required TimeSpan Gap { get; init; }
    [Id(8)] public AttemptCountPer Per { get; init; } = AttemptCountPer.Phone;

    /// <summary>
    /// Null: every attempt. Set: only attempts in these modes are held back (Ofcom lets a re-call through when an
    /// agent is guaranteed, i.e. preview or progressive). An attempt whose mode is not given is held back.
    /// </summary>
    [Id(9)] public IReadOnlyList<DialingMode>? DialingModes { get; init; }
}
