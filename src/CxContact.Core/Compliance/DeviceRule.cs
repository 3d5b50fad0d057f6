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
    [Id(6)] public required Phones.DeviceType DeviceType { get; init; }

    /// <summary>An attempt whose mode is not given is treated as autodialed: a missing field must not open the door.</summary>
    [Id(7)] public required IReadOnlyList<DialingMode> DialingModes { get; init; }

    /// <summary>The consent flag that must be true; only <see cref="RuleSets.AutodialMobileConsent"/> exists today.</summary>
    [Id(8)] public required string RequiresConsent { get; init; }
}
