using CxContact.Core.Compliance;
using CxContact.Core.Phones;

namespace CxContact.Server.Compliance;

/// <summary>An attempt after edge validation: the number in E.164, and location and device resolved.</summary>
public sealed record PreparedAttempt(
    string Subject, string? E164, string? Email, Channel Channel, DialingMode? DialingMode, string? CampaignId, string? ClientId,
    string? ContactId, string Country, string? Region, IReadOnlyList<string> TimeZones, DeviceType DeviceType, bool? AutodialMobileConsent,
    DateTimeOffset At, string? RuleSetId);
