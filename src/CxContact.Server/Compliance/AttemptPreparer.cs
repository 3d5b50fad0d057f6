using CxContact.Server.Platform.Hosting;
using CxContact.Core.Compliance;
using CxContact.Core.Geography;
using CxContact.Core.Lists;
using CxContact.Core.Phones;
using CxContact.Core.Tenancy;
using CxContact.Server.Api;

namespace CxContact.Server.Compliance;

/// <summary>
/// Validates one attempt at the edge and resolves what the rules need with the imports' precedence
/// (<see cref="LocationPrecedence"/>). Problems are added to the caller's errors under its path.
/// </summary>
public sealed class AttemptPreparer(PlatformClock clock)
{
    private static readonly PhoneNormalizer Phones = new();

    /// <param name="now">The instant for an attempt that gives no "at"; the clock's now when not given.</param>
    public PreparedAttempt? Prepare(ValidationRequest r, string defaultCountry, FieldErrors errors, string path = "", DateTimeOffset? now = null)
    {
        var errorCount = 0;
        void Bad(string field, string message) { errors.Add(path + field, message); errorCount++; }

        var channel = Channel.Voice;
        if (r.Channel is not null && !Channels.TryParse(r.Channel, out channel)) Bad("channel", $"\"{r.Channel}\" is not a channel; use voice, sms or email");
        DialingMode? mode = null;
        if (r.DialingMode is not null)
        {
            if (DialingModes.TryParse(r.DialingMode, out var m)) mode = m;
            else Bad("dialingMode", $"\"{r.DialingMode}\" is not a dialing mode; use preview, progressive, predictive, power or agentless");
        }
        CallPurpose? purpose = null;
        if (r.Purpose is not null)
        {
            if (CallPurposes.TryParse(r.Purpose, out var p)) purpose = p;
            else Bad("purpose", $"\"{r.Purpose}\" is not a call purpose; use sales, debt-collection or informational");
        }
        var c = r.Contact;
        if (c?.Country is { } country && !TenantSettingsRules.IsIsoCountry(country.ToUpperInvariant())) Bad("contact.country", $"\"{country}\" is not an ISO 3166-1 alpha-2 country code");
        if (c?.Tz is { } tz && !TenantSettingsRules.IsIanaZone(tz)) Bad("contact.tz", $"\"{tz}\" is not a known IANA time zone");
        var hint = DeviceType.Unknown;
        if (c?.DeviceType is { } dt && !DeviceTypes.TryParse(dt, out hint)) Bad("contact.deviceType", $"\"{dt}\" is not a device type; use mobile, landline, voip, toll-free or unknown");

        PhoneInfo? phone = null;
        string? email = null;
        if (string.IsNullOrWhiteSpace(r.Phone) && string.IsNullOrWhiteSpace(r.Email)) Bad("phone", "is required (or email, for the email channel)");
        if (!string.IsNullOrWhiteSpace(r.Phone))
        {
            var result = Phones.Normalize(r.Phone, c?.Country?.ToUpperInvariant() ?? defaultCountry, hint);
            if (result.Ok) phone = result.Phone;
            else Bad("phone", $"\"{CustomValues.Clip(r.Phone)}\" {result.Error}");
        }
        if (!string.IsNullOrWhiteSpace(r.Email))
        {
            email = r.Email.Trim().ToLowerInvariant();
            if (!RecordBuilder.IsEmail(email)) Bad("email", $"\"{CustomValues.Clip(r.Email)}\" is not an email address");
        }
        if (channel == Channel.Email && email is null && errorCount == 0) Bad("email", "the email channel needs an email address");
        if (channel != Channel.Email && phone is null && errorCount == 0) Bad("phone", $"the {channel.ToString().ToLowerInvariant()} channel needs a phone number");
        if (errorCount > 0) return null;

        var location = c?.PostalCode is { Length: > 0 } pc ? PostalCodes.Lookup(pc, c.Country?.ToUpperInvariant() ?? phone?.Country) : null;
        var at = LocationPrecedence.Resolve(c?.Country?.ToUpperInvariant(), c?.Region?.ToUpperInvariant(), c?.Tz, location, phone, defaultCountry, []);
        return new PreparedAttempt(
            Subject: phone?.E164 ?? email!,
            E164: phone?.E164, Email: email, Channel: channel, DialingMode: mode, CampaignId: r.CampaignId, ClientId: c?.ClientId?.Trim(),
            ContactId: c?.ContactId?.Trim(),
            Country: at.Country,
            Region: at.Region,
            TimeZones: at.Zones,
            DeviceType: phone is null ? DeviceType.Unknown : phone.DeviceType,
            AutodialMobileConsent: c?.Consent?.AutodialMobile,
            At: r.At ?? now ?? clock.GetUtcNow(),
            RuleSetId: r.RuleSetId)
        {
            Purpose = purpose,
            PhoneRegion = phone?.Region,
            AreaCode = phone?.AreaCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            WrittenSalesConsent = c?.Consent?.WrittenSales,
            AutomatedConsent = c?.Consent?.Automated,
        };
    }
}
