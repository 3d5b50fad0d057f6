using CxContact.Core.Compliance;
using CxContact.Core.Phones;

namespace CxContact.Server.Compliance;

/// <summary>An attempt after edge validation: the number in E.164, and location and device resolved.</summary>
/// <remarks>
/// Sent to the compliance grain; [Immutable] because nothing changes it after the edge, so a call to a grain on the
/// same silo passes the batch as it is instead of deep-copying up to 10,000 of them.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cxc.PreparedAttempt")]
public sealed record PreparedAttempt(
    [property: Id(0)] string Subject, [property: Id(1)] string? E164, [property: Id(2)] string? Email, [property: Id(3)] Channel Channel,
    [property: Id(4)] DialingMode? DialingMode, [property: Id(5)] string? CampaignId, [property: Id(6)] string? ClientId,
    [property: Id(7)] string? ContactId, [property: Id(8)] string Country, [property: Id(9)] string? Region,
    [property: Id(10)] IReadOnlyList<string> TimeZones, [property: Id(11)] DeviceType DeviceType, [property: Id(12)] bool? AutodialMobileConsent,
    [property: Id(13)] DateTimeOffset At, [property: Id(14)] string? RuleSetId)
{
    /// <summary>What the call is for (the campaign's purpose); null when not said, and then every rule covers it.</summary>
    [Id(15)] public CallPurpose? Purpose { get; init; }

    /// <summary>The region the number's area code gives, applied beside the address region.</summary>
    [Id(16)] public string? PhoneRegion { get; init; }

    [Id(17)] public string? AreaCode { get; init; }

    [Id(18)] public bool? WrittenSalesConsent { get; init; }

    [Id(19)] public bool? AutomatedConsent { get; init; }

    /// <summary>
    /// A voice attempt at a calling-list record, as the lease path and the campaign "why" page both ask for it: the
    /// record's own location (country, region, the zones as the preload stored them: space-separated), device and
    /// consent, under the campaign's dialing mode and rule set.
    /// </summary>
    public static PreparedAttempt ForRecord(string phone, Guid campaignId, Core.Campaigns.CampaignDefinition campaign, string? clientId,
        Guid contactId, string? country, string? region, string? zones, short deviceType, bool? consent, DateTimeOffset at)
    {
        // The area code's region and code, from the number itself with the normalizer /compliance/validate uses
        // (cached per NPA-NXX), so a lease and a validation of one number see the same jurisdictions.
        var number = Numbers.Normalize(phone, country ?? "US").Phone;
        return new(
            Subject: phone, E164: phone, Email: null, Channel: Channel.Voice, DialingMode: campaign.DialingMode, CampaignId: campaignId.ToString(),
            ClientId: clientId, ContactId: contactId.ToString(), Country: country ?? "", Region: region,
            TimeZones: zones?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], DeviceType: (DeviceType)deviceType,
            AutodialMobileConsent: consent, At: at, RuleSetId: campaign.RuleSetId)
        {
            Purpose = campaign.Purpose,
            PhoneRegion = number?.Region,
            AreaCode = number?.AreaCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static readonly PhoneNormalizer Numbers = new();
}
