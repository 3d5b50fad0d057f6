namespace CxContact.Core.Compliance;

/// <summary>One proposed attempt, with everything the rules look at. The caller supplies the instant.</summary>
[GenerateSerializer, Alias("cxc.ComplianceInput")]
public sealed record ComplianceInput
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public Channel Channel { get; init; } = Channel.Voice;

    /// <summary>Null when not known; rules limited to autodialed modes then treat it as autodialed.</summary>
    [Id(2)] public DialingMode? DialingMode { get; init; }

    /// <summary>ISO 3166-1 alpha-2; an empty or invalid country is denied as location-unknown.</summary>
    [Id(3)] public required string Country { get; init; }

    /// <summary>State or province code ("FL" or "US-FL"); null applies only the country-wide rules.</summary>
    [Id(4)] public string? Region { get; init; }

    /// <summary>Candidate IANA zones. Several mean the location is ambiguous, and every one must allow.</summary>
    [Id(5)] public IReadOnlyList<string> TimeZones { get; init; } = [];
    [Id(6)] public Phones.DeviceType DeviceType { get; init; } = Phones.DeviceType.Unknown;
    [Id(7)] public bool? AutodialMobileConsent { get; init; }

    /// <summary>
    /// Attempts already made to this phone (contact, client id) for every campaign of the tenant; a campaign-scoped
    /// limit counts those of <see cref="CampaignId"/> among them.
    /// </summary>
    [Id(8)] public IReadOnlyList<AttemptRecord> PhoneAttempts { get; init; } = [];
    [Id(9)] public IReadOnlyList<AttemptRecord> ContactAttempts { get; init; } = [];
    [Id(10)] public IReadOnlyList<AttemptRecord> ClientIdAttempts { get; init; } = [];

    /// <summary>The campaign the attempt is for; without one, a campaign-scoped limit counts every attempt (the stricter reading).</summary>
    [Id(11)] public string? CampaignId { get; init; }

    /// <summary>What the call is for; null when not known, and then every rule's coverage includes it.</summary>
    [Id(12)] public CallPurpose? Purpose { get; init; }

    /// <summary>The region the number's area code places it in (a second jurisdiction when the address says another).</summary>
    [Id(13)] public string? PhoneRegion { get; init; }

    /// <summary>The number's area code (or national destination code), for the explanation.</summary>
    [Id(14)] public string? AreaCode { get; init; }

    /// <summary>Prior express written consent to automated sales calls (<see cref="RuleSets.WrittenSalesConsent"/>).</summary>
    [Id(15)] public bool? WrittenSalesConsent { get; init; }

    /// <summary>Consent to automated calls of any purpose (<see cref="RuleSets.AutomatedConsent"/>).</summary>
    [Id(16)] public bool? AutomatedConsent { get; init; }
}
