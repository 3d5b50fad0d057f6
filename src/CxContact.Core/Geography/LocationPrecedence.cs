using CxContact.Core.Phones;

namespace CxContact.Core.Geography;

/// <summary>Where a contact is reached on one device: what the rules and the calling windows are applied to.</summary>
/// <param name="Country">The address country, else the postal code's, else the number's, else the default.</param>
/// <param name="Region">The address region, else the postal code's, else the region of the number's area code.</param>
/// <param name="Zones">Candidate IANA zones: the explicit tz, else the postal code's, else the number's (when it says
/// something: at most <see cref="LocationPrecedence.MaxPhoneZones"/>), else the default.</param>
public sealed record DeviceLocation(string Country, string? Region, IReadOnlyList<string> Zones);

/// <summary>
/// The one place that says which fact wins: the explicit tz, then the postal code, then the phone number, then the
/// list's or tenant's default. Imports, <c>/compliance/validate</c> and (in SQL, over the facts the import stored,
/// see <c>PreloadQuery</c>) the preload all resolve a device's location this way, so they agree.
/// </summary>
public static class LocationPrecedence
{
    /// <summary>
    /// More candidate zones than this (toll-free and other non-geographic numbers get every zone of +1) says nothing
    /// about where the contact is, and would make the number never callable; the default is used instead.
    /// </summary>
    public const int MaxPhoneZones = 4;

    /// <param name="country">The contact's country as given (upper case), or null.</param>
    /// <param name="region">The contact's region as given (upper case), or null.</param>
    /// <param name="tz">The contact's IANA zone as given, or null.</param>
    /// <param name="postal">What the contact's postal code says, or null.</param>
    /// <param name="phone">The device's number, or null (an email-only contact).</param>
    public static DeviceLocation Resolve(string? country, string? region, string? tz, PostalLocation? postal, PhoneInfo? phone,
        string defaultCountry, IReadOnlyList<string> defaultZones)
    {
        IReadOnlyList<string> zones = tz is not null ? [tz]
            : postal is not null ? postal.TimeZones
            : phone is not null && phone.TimeZones.Count is > 0 and <= MaxPhoneZones ? phone.TimeZones
            : defaultZones;
        return new DeviceLocation(country ?? postal?.Country ?? phone?.Country ?? defaultCountry, region ?? postal?.Region ?? phone?.Region, zones);
    }
}
