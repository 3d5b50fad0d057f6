namespace CxContact.Server.Compliance;

/// <summary>One attempt to check, as the API takes it.</summary>
public sealed record ValidationRequest(
    string? Phone, string? Email, string? Channel, string? DialingMode, string? CampaignId, ValidationContact? Contact, DateTimeOffset? At,
    string? RuleSetId = null, string? Purpose = null);

/// <summary>What the caller knows about the contact; anything missing is derived from the number or postal code.</summary>
public sealed record ValidationContact(string? ClientId, string? ContactId, string? PostalCode, string? Region, string? Country, string? Tz,
    string? DeviceType, ValidationConsent? Consent);

/// <summary>
/// Consent flags that consent rules ask about: to autodialed calls to a mobile, prior express written consent to
/// automated sales calls, and consent to automated calls of any purpose.
/// </summary>
public sealed record ValidationConsent(bool? AutodialMobile, bool? WrittenSales = null, bool? Automated = null);
