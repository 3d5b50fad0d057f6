namespace CxContact.Core.Compliance;

/// <summary>At most <see cref="Max"/> counted attempts within a rolling <see cref="Window"/>.</summary>
[GenerateSerializer, Alias("cxc.AttemptLimitRule")]
public sealed record AttemptLimitRule
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Citation { get; init; }
    [Id(2)] public required DateOnly EffectiveFrom { get; init; }

    /// <summary>Shipped but off rules (e.g. Reg F, which applies only to debt collection) are switched on by an override.</summary>
    [Id(3)] public bool Enabled { get; init; } = true;

    /// <summary>Null: every country.</summary>
    [Id(4)] public string? Country { get; init; }
    [Id(5)] public string? Region { get; init; }
    [Id(6)] public IReadOnlyList<Channel> Channels { get; init; } = new[] { Channel.Voice, Channel.Sms };
    [Id(7)] public required int Max { get; init; }
    [Id(8)] public required TimeSpan Window { get; init; }
    /// <summary>What is counted, each on its own: a limit "per person and per number" denies when either is reached.</summary>
    [Id(9)] public IReadOnlyList<AttemptCountPer> Per { get; init; } = [AttemptCountPer.Phone];
    [Id(10)] public AttemptScope Scope { get; init; } = AttemptScope.Tenant;

    /// <summary>Results that count, compared case-insensitively; null counts every attempt.</summary>
    [Id(11)] public IReadOnlyList<string>? CountedResults { get; init; }
    /// <summary>Which calls the rule covers; every call when not given.</summary>
    [Id(12)] public RuleCoverage Covers { get; init; } = RuleCoverage.All;
    /// <summary>The primary text of the provision cited.</summary>
    [Id(13)] public string? Url { get; init; }
    /// <summary>When the provision was last checked against that text.</summary>
    [Id(14)] public DateOnly? Checked { get; init; }
    /// <summary>False when the provision could not be read in its primary text (the citation says what was read instead).</summary>
    [Id(15)] public bool Verified { get; init; } = true;
    /// <summary>What a reader of the rule should know: how the law was read, what the rule cannot say.</summary>
    [Id(16)] public string? Notes { get; init; }
}
