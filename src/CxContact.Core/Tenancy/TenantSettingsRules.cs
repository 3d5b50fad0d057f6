using System.Globalization;

namespace CxContact.Core.Tenancy;

/// <summary>Checks tenant settings field by field, so the API can name every field that is wrong.</summary>
public static class TenantSettingsRules
{
    public static Dictionary<string, string[]> Validate(string? defaultCountry, string? defaultTimeZone)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(defaultCountry))
            errors["defaultCountry"] = ["is required (an ISO 3166-1 alpha-2 code such as \"US\")"];
        else if (!IsIsoCountry(defaultCountry))
            errors["defaultCountry"] = [$"\"{defaultCountry}\" is not an ISO 3166-1 alpha-2 country code (e.g. \"US\", \"CA\", \"GB\")"];

        if (string.IsNullOrWhiteSpace(defaultTimeZone))
            errors["defaultTimeZone"] = ["is required (an IANA time zone such as \"America/New_York\")"];
        else if (!IsIanaZone(defaultTimeZone))
            errors["defaultTimeZone"] = [$"\"{defaultTimeZone}\" is not a known IANA time zone"];
        return errors;
    }

    public static bool IsIsoCountry(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper)) return false;
        try { return new RegionInfo(code).TwoLetterISORegionName == code; }
        catch (ArgumentException) { return false; }
    }

    public static bool IsIanaZone(string zone)
    {
        // Windows ids would also resolve on Linux through ICU; we store IANA only, so require a round trip.
        return zone.Contains('/') || zone == "UTC"
            ? TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) && tz.HasIanaId
            : false;
    }
}
