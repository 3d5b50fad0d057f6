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
    /// <summary>Which calls the rule covers; every call when not given.</summary>
    [Id(10)] public RuleCoverage Covers { get; init; } = RuleCoverage.All;
    /// <summary>The primary text of the provision cited.</summary>
    [Id(11)] public string? Url { get; init; }
    /// <summary>When the provision was last checked against that text.</summary>
    [Id(12)] public DateOnly? Checked { get; init; }
    /// <summary>Shipped but off rules (Reg F's gap after a conversation) are switched on by an override.</summary>
    [Id(13)] public bool Enabled { get; init; } = true;
    /// <summary>False when the provision could not be read in its primary text (the citation says what was read instead).</summary>
    [Id(14)] public bool Verified { get; init; } = true;
    /// <summary>What a reader of the rule should know: how the law was read, what the rule cannot say.</summary>
    [Id(15)] public string? Notes { get; init; }
}
