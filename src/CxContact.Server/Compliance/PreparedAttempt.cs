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
    /// record's own location (country and region as the preload resolved them, the zones, the number's area code and
    /// its region as the import stored them), device and consent, under the campaign's dialing mode and rule set.
    /// </summary>
    /// <param name="phone">The record's contact_info: a number, or an email campaign's address.</param>
    public static PreparedAttempt ForRecord(string phone, Guid campaignId, Core.Campaigns.CampaignDefinition campaign, string? clientId,
        Guid contactId, RecordLocation at, short deviceType, bool? consent, DateTimeOffset now)
    {
        if (campaign.Channel == Channel.Email)
            return new(
                Subject: phone, E164: null, Email: phone, Channel: Channel.Email, DialingMode: campaign.DialingMode, CampaignId: campaignId.ToString(),
                ClientId: clientId, ContactId: contactId.ToString(), Country: at.Country ?? "", Region: at.Region,
                TimeZones: Core.Geography.ZoneList.Split(at.Zones), DeviceType: DeviceType.Unknown, AutodialMobileConsent: consent, At: now,
                RuleSetId: campaign.RuleSetId) { Purpose = campaign.Purpose };
        var (phoneRegion, areaCode) = (at.PhoneRegion, at.AreaCode);
        // Rows preloaded before the calling list kept them (migration 0043): the number's facts, from the normalizer
        // the import uses, until the next preload stores them.
        if (phoneRegion is null && areaCode is null && phone.StartsWith("+1", StringComparison.Ordinal) && Numbers.Normalize(phone, "US").Phone is { } number)
            (phoneRegion, areaCode) = (number.Region, (short?)number.AreaCode);
        return new(
            Subject: phone, E164: phone, Email: null, Channel: campaign.Channel, DialingMode: campaign.DialingMode, CampaignId: campaignId.ToString(),
            ClientId: clientId, ContactId: contactId.ToString(), Country: at.Country ?? "", Region: at.Region,
            TimeZones: Core.Geography.ZoneList.Split(at.Zones), DeviceType: (DeviceType)deviceType,
            AutodialMobileConsent: consent, At: now, RuleSetId: campaign.RuleSetId)
        {
            Purpose = campaign.Purpose,
            PhoneRegion = phoneRegion,
            AreaCode = areaCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static readonly PhoneNormalizer Numbers = new();
}

/// <summary>Where a calling-list record is reached, as the preload wrote it: the columns country, region, zones, phone_region, area_code.</summary>
public sealed record RecordLocation(string? Country, string? Region, string? Zones, string? PhoneRegion, short? AreaCode);
