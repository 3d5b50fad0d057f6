using System.Globalization;
using PhoneNumbers;

namespace CxContact.Core.Phones;

/// <summary>
/// Everything about a parsed number except its digits: the verdict both paths of <see cref="PhoneNormalizer"/> share.
/// For NANP numbers outside the line-dependent prefixes these facts are the same for the whole NPA-NXX, which is
/// what lets the fast path cache one instance per prefix.
/// </summary>
internal sealed class PhoneFacts : IEquatable<PhoneFacts>
{
    private const ulong NanpNationalMin = 2_000_000_000;
    private const ulong NanpNationalMax = 9_999_999_999;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper ZoneMapper = PhoneNumberToTimeZonesMapper.GetInstance();
    private static readonly PhoneNumberOfflineGeocoder Geocoder = PhoneNumberOfflineGeocoder.GetInstance();

    /// <summary>Marks an NPA-NXX whose numbers must each go through libphonenumber; never handed out as a verdict.</summary>
    public static PhoneFacts PerNumber { get; } = new("decided per number");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string?> RegionByAreaCode = new();

    private PhoneFacts(string error)
    {
        Error = error;
        Country = "";
        TimeZones = TimeZoneLists.Empty;
    }

    private PhoneFacts(DeviceType deviceType, bool hintApplies, string country, string? region, IReadOnlyList<string> timeZones, int? areaCode)
    {
        DeviceType = deviceType;
        HintApplies = hintApplies;
        Country = country;
        Region = region;
        TimeZones = timeZones;
        AreaCode = areaCode;
    }

    /// <summary>Why the number is not dialled, or null when it is.</summary>
    public string? Error { get; }

    public DeviceType DeviceType { get; }

    /// <summary>True when libphonenumber cannot tell the line type (NANP mobile and fixed lines share ranges), so the import's hint wins.</summary>
    public bool HintApplies { get; }

    public string Country { get; }

    public string? Region { get; }

    public IReadOnlyList<string> TimeZones { get; }

    public int? AreaCode { get; }

    // Zone lists are interned by TimeZoneLists, so reference comparison is enough for them.
    public bool Equals(PhoneFacts? other) =>
        other is not null
        && Error == other.Error
        && DeviceType == other.DeviceType
        && HintApplies == other.HintApplies
        && Country == other.Country
        && Region == other.Region
        && ReferenceEquals(TimeZones, other.TimeZones)
        && AreaCode == other.AreaCode;

    public override bool Equals(object? obj) => Equals(obj as PhoneFacts);

    public override int GetHashCode() => HashCode.Combine(Error, DeviceType, Country, Region, TimeZones, AreaCode);

    public PhoneInfo ToInfo(string e164, DeviceType hint) =>
        new(e164, HintApplies && hint != DeviceType.Unknown ? hint : DeviceType, Country, Region, TimeZones, AreaCode);

    public static PhoneFacts Describe(PhoneNumber number)
    {
        switch (Util.IsPossibleNumberWithReason(number))
        {
            case PhoneNumberUtil.ValidationResult.IS_POSSIBLE:
                break;
            // A 7-digit NANP number is only dialable locally: it lacks the area code we would need.
            case PhoneNumberUtil.ValidationResult.TOO_SHORT or PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
                return new PhoneFacts(PhoneErrors.TooShort);
            case PhoneNumberUtil.ValidationResult.TOO_LONG:
                return new PhoneFacts(PhoneErrors.TooLong);
            case PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE:
                return new PhoneFacts(PhoneErrors.UnknownCountryCode);
            default:
                return new PhoneFacts(PhoneErrors.NotValidFor(RegionForErrors(number)));
        }

        if (!Util.IsValidNumber(number))
        {
            if (number.CountryCode == 1 && Util.GetNationalSignificantNumber(number) is { Length: 10 } nsn)
            {
                // Parsed from the digits rather than the numeric value so that 000 and 1xx, which no valid number
                // uses, are reported as area codes too.
                var npa = int.Parse(nsn.AsSpan(0, 3), CultureInfo.InvariantCulture);
                if (!NanpMetadataIndex.Instance.IsAssigned(npa))
                    return new PhoneFacts(PhoneErrors.UnassignedAreaCode(npa));
            }
            return new PhoneFacts(PhoneErrors.NotValidFor(RegionForErrors(number)));
        }

        var country = Util.GetRegionCodeForNumber(number);
        // +800 freephone, +870 Inmarsat, +881 satellite and the like: no country, and mostly very expensive to reach.
        if (country is null || country == PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY)
            return new PhoneFacts(PhoneErrors.NonGeographic);

        var type = Util.GetNumberType(number);
        if (type == PhoneNumberType.PREMIUM_RATE)
            return new PhoneFacts(PhoneErrors.PremiumRate);

        var (deviceType, hintApplies) = type switch
        {
            PhoneNumberType.MOBILE => (DeviceType.Mobile, false),
            PhoneNumberType.FIXED_LINE => (DeviceType.Landline, false),
            PhoneNumberType.VOIP => (DeviceType.Voip, false),
            PhoneNumberType.TOLL_FREE => (DeviceType.TollFree, false),
            PhoneNumberType.FIXED_LINE_OR_MOBILE or PhoneNumberType.UNKNOWN => (DeviceType.Unknown, true),
            // Shared-cost, UAN, personal, pager, voicemail: dialable, but not a device class we track, and the
            // hint describes the customer's device rather than these service numbers.
            _ => (DeviceType.Unknown, false),
        };

        var isNanp = IsNanpTenDigit(number, out var areaCode);
        var zones = TimeZoneLists.From(TimeZonesFor(number, type, isNanp));
        // An area code lies in one state or province, so the geocoder (the slowest call here, ~12 µs) runs once per
        // area code rather than once per exchange; except the few that span several (867: YT/NT/NU; 902 and its
        // overlay 782: NS/PE), which are geocoded per exchange.
        var region = isNanp && areaCode is 867 or 902 or 782
            ? NanpRegions.FromDescription(Geocoder.GetDescriptionForValidNumber(number, Locale.English), country)
            : isNanp
            ? RegionByAreaCode.GetOrAdd(areaCode, static (_, arg) => NanpRegions.FromDescription(Geocoder.GetDescriptionForValidNumber(arg.number, Locale.English), arg.country),
                (number, country))
            : null;
        return new PhoneFacts(deviceType, hintApplies, country, region, zones, isNanp ? areaCode : null);
    }

    /// <summary>
    /// The mapper answers a non-geographic number (toll-free, and mobiles outside the few countries where
    /// mobiles are geographic) with every zone of its calling code. Calling code 1 is shared by 25 countries,
    /// so a Jamaican mobile would get 42 zones from Guam to Newfoundland although its NPA alone says
    /// America/Jamaica. For +1 the longest-prefix lookup is therefore the better candidate list; for US/CA
    /// toll-free it falls back to the same 42 zones. Other calling codes keep the mapper's answer: there the
    /// prefix entry can be one arbitrary zone (Australian mobiles would all get Australia/Sydney).
    /// </summary>
    private static List<string> TimeZonesFor(PhoneNumber number, PhoneNumberType type, bool isNanp) =>
        isNanp || Util.IsNumberGeographical(type, number.CountryCode)
            ? ZoneMapper.GetTimeZonesForGeographicalNumber(number)
            : ZoneMapper.GetTimeZonesForNumber(number);

    private static bool IsNanpTenDigit(PhoneNumber number, out int npa)
    {
        var national = number.NationalNumber;
        if (number.CountryCode == 1 && national is >= NanpNationalMin and <= NanpNationalMax)
        {
            npa = (int)(national / 10_000_000);
            return true;
        }
        npa = 0;
        return false;
    }

    private static string RegionForErrors(PhoneNumber number)
    {
        if (IsNanpTenDigit(number, out var npa) && NanpMetadataIndex.Instance.RegionForNpa(npa) is { } nanpRegion)
            return nanpRegion;
        var region = Util.GetRegionCodeForCountryCode(number.CountryCode);
        return region == "ZZ" ? $"+{number.CountryCode}" : region;
    }
}
