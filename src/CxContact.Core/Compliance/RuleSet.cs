namespace CxContact.Core.Compliance;

/// <summary>A versioned, citable set of compliance rules (see <see cref="RuleSets"/> for parsing and the defaults).</summary>
[GenerateSerializer, Alias("cxc.RuleSet")]
public sealed record RuleSet
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required int Version { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public IReadOnlyList<CallingWindowRule> CallingWindows { get; init; } = [];
    [Id(4)] public IReadOnlyList<HolidayCalendar> Holidays { get; init; } = [];
    [Id(5)] public IReadOnlyList<AttemptLimitRule> AttemptLimits { get; init; } = [];
    [Id(6)] public IReadOnlyList<MinimumGapRule> MinimumGaps { get; init; } = [];
    [Id(7)] public IReadOnlyList<DeviceRule> DeviceRules { get; init; } = [];

    /// <summary>The jurisdictions the set was checked for, with rules or without (see <see cref="Jurisdiction"/>).</summary>
    [Id(8)] public IReadOnlyList<Jurisdiction> Jurisdictions { get; init; } = [];

    public string VersionTag => $"{Id}@{Version}";
}
