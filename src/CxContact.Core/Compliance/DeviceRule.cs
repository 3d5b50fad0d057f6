namespace CxContact.Core.Compliance;

/// <summary>
/// Attempts in the given modes to the given device type need a consent flag. It only matches the device type
/// named: a number whose type is unknown is not treated as mobile, because most NANP numbers are unknown and that
/// would stop autodialing altogether; a tenant that wants otherwise adds a rule for <see cref="Phones.DeviceType.Unknown"/>.
/// </summary>
[GenerateSerializer, Alias("cxc.DeviceRule")]
public sealed record DeviceRule
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Citation { get; init; }
    [Id(2)] public required DateOnly EffectiveFrom { get; init; }
    [Id(3)] public string? Country { get; init; }
    [Id(4)] public string? Region { get; init; }
    [Id(5)] public IReadOnlyList<Channel> Channels { get; init; } = new[] { Channel.Voice, Channel.Sms };
    /// <summary>Null: every device ("any").</summary>
    [Id(6)] public required Phones.DeviceType? DeviceType { get; init; }

    /// <summary>An attempt whose mode is not given is treated as autodialed: a missing field must not open the door.</summary>
    [Id(7)] public required IReadOnlyList<DialingMode> DialingModes { get; init; }

    /// <summary>The consent flag that must be true: <see cref="RuleSets.AutodialMobileConsent"/> or <see cref="RuleSets.WrittenSalesConsent"/>.</summary>
    [Id(8)] public required string RequiresConsent { get; init; }
    /// <summary>Which calls the rule covers; every call when not given.</summary>
    [Id(9)] public RuleCoverage Covers { get; init; } = RuleCoverage.All;
    /// <summary>The primary text of the provision cited.</summary>
    [Id(10)] public string? Url { get; init; }
    /// <summary>When the provision was last checked against that text.</summary>
    [Id(11)] public DateOnly? Checked { get; init; }
    [Id(12)] public bool Enabled { get; init; } = true;
    /// <summary>False when the provision could not be read in its primary text (the citation says what was read instead).</summary>
    [Id(13)] public bool Verified { get; init; } = true;
    /// <summary>What a reader of the rule should know: how the law was read, what the rule cannot say.</summary>
    [Id(14)] public string? Notes { get; init; }
}
