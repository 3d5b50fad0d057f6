namespace CxContact.Core.Compliance;

/// <summary>
/// Local hours in which calls may be placed. Country rules and region rules both apply, so the hours a
/// contact can be called are the intersection of every matching rule.
/// </summary>
[GenerateSerializer, Alias("cxc.CallingWindowRule")]
public sealed record CallingWindowRule
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Citation { get; init; }
    [Id(2)] public required DateOnly EffectiveFrom { get; init; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    [Id(3)] public required string Country { get; init; }

    /// <summary>State, province or nation code (e.g. "FL", "ON", "SCT"); null for the whole country.</summary>
    [Id(4)] public string? Region { get; init; }

    [Id(5)] public IReadOnlyList<Channel> Channels { get; init; } = new[] { Channel.Voice, Channel.Sms };

    /// <summary>Monday to Friday, and any day whose own variant is not given.</summary>
    [Id(6)] public required IReadOnlyList<TimeWindow> Weekdays { get; init; }

    /// <summary>Null: the weekday windows apply. Empty: closed all day.</summary>
    [Id(7)] public IReadOnlyList<TimeWindow>? Saturday { get; init; }

    /// <summary>Null: the weekday windows apply. Empty: closed all day.</summary>
    [Id(8)] public IReadOnlyList<TimeWindow>? Sunday { get; init; }

    /// <summary>For dates in <see cref="HolidayCalendar"/>; it wins over the day of week. Null: the day's own windows apply.</summary>
    [Id(9)] public IReadOnlyList<TimeWindow>? Holiday { get; init; }

    /// <summary>Id of a <see cref="Compliance.HolidayCalendar"/> in the same rule set.</summary>
    [Id(10)] public string? HolidayCalendar { get; init; }

    /// <summary>
    /// Null: read the window in each of the contact's candidate zones (the law's "called party's local time").
    /// Set: read it in this fixed IANA zone instead, e.g. a campaign limited to its call centre's opening hours.
    /// </summary>
    [Id(11)] public string? TimeZone { get; init; }
    /// <summary>Which calls the rule covers; every call when not given.</summary>
    [Id(12)] public RuleCoverage Covers { get; init; } = RuleCoverage.All;
    /// <summary>The primary text of the provision cited.</summary>
    [Id(13)] public string? Url { get; init; }
    /// <summary>When the provision was last checked against that text.</summary>
    [Id(14)] public DateOnly? Checked { get; init; }
    /// <summary>Shipped but off rules are switched on by an override.</summary>
    [Id(15)] public bool Enabled { get; init; } = true;
    /// <summary>False when the provision could not be read in its primary text (the citation says what was read instead).</summary>
    [Id(16)] public bool Verified { get; init; } = true;
    /// <summary>What a reader of the rule should know: how the law was read, what the rule cannot say.</summary>
    [Id(17)] public string? Notes { get; init; }
}
