namespace CxContact.Core.Compliance;

/// <summary>
/// Region codes that rules may name, for the countries whose shipped rules vary by region. A typo such as
/// "FLA" would otherwise make a rule silently match nobody.
/// </summary>
internal static class ComplianceRegions
{
    private static readonly Dictionary<string, HashSet<string>> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        // 50 states, DC, and the territories with NANP numbers or US mail (ISO 3166-2:US).
        ["US"] = new(StringComparer.OrdinalIgnoreCase)
        {
            "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
            "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
            "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
            "DC", "PR", "GU", "VI", "AS", "MP", "UM",
        },
        // Provinces and territories (ISO 3166-2:CA).
        ["CA"] = new(StringComparer.OrdinalIgnoreCase)
        {
            "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
        },
        // The four nations (ISO 3166-2:GB).
        ["GB"] = new(StringComparer.OrdinalIgnoreCase) { "ENG", "SCT", "WLS", "NIR" },
    };

    /// <summary>Null when the region is fine; otherwise why not.</summary>
    public static string? Check(string country, string region)
    {
        if (Known.TryGetValue(country, out var regions))
            return regions.Contains(region) ? null : $"\"{region}\" is not a known region of {country.ToUpperInvariant()}";
        return region.Length is >= 1 and <= 3 && region.All(char.IsAsciiLetterOrDigit)
            ? null
            : $"\"{region}\" is not a region code (1-3 letters or digits, as in ISO 3166-2)";
    }

    /// <summary>"US-FL" and "fl" both become "FL", so callers can pass ISO 3166-2 or the bare code.</summary>
    public static string? Normalize(string country, string? region)
    {
        if (string.IsNullOrWhiteSpace(region))
            return null;
        var r = region.Trim();
        if (r.Length > country.Length + 1 && r.StartsWith(country + "-", StringComparison.OrdinalIgnoreCase))
            r = r[(country.Length + 1)..];
        return r.ToUpperInvariant();
    }
}
