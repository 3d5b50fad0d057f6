using System.Collections.Frozen;

namespace CxContact.Core.Phones;

/// <summary>
/// Derives a state or province code from libphonenumber's English geocoder text for NANP numbers.
/// The geocoder gives either "City, ST" or a bare state/province name, so this needs the names of the
/// ISO 3166-2:US and ISO 3166-2:CA subdivisions; codes are the subdivision part of the ISO code.
/// </summary>
internal static class NanpRegions
{
    // US territories have their own ISO 3166-1 country code, which libphonenumber reports as the number's
    // country, and the same letters are their ISO 3166-2:US subdivision code.
    private static readonly FrozenSet<string> UsTerritories = FrozenSet.ToFrozenSet(["PR", "GU", "VI", "AS", "MP"], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, (string Country, string Code)> ByName = new Dictionary<string, (string, string)>
    {
        ["Alabama"] = ("US", "AL"), ["Alaska"] = ("US", "AK"), ["Arizona"] = ("US", "AZ"), ["Arkansas"] = ("US", "AR"),
        ["California"] = ("US", "CA"), ["Colorado"] = ("US", "CO"), ["Connecticut"] = ("US", "CT"), ["Delaware"] = ("US", "DE"),
        ["Florida"] = ("US", "FL"), ["Georgia"] = ("US", "GA"), ["Hawaii"] = ("US", "HI"), ["Idaho"] = ("US", "ID"),
        ["Illinois"] = ("US", "IL"), ["Indiana"] = ("US", "IN"), ["Iowa"] = ("US", "IA"), ["Kansas"] = ("US", "KS"),
        ["Kentucky"] = ("US", "KY"), ["Louisiana"] = ("US", "LA"), ["Maine"] = ("US", "ME"), ["Maryland"] = ("US", "MD"),
        ["Massachusetts"] = ("US", "MA"), ["Michigan"] = ("US", "MI"), ["Minnesota"] = ("US", "MN"), ["Mississippi"] = ("US", "MS"),
        ["Missouri"] = ("US", "MO"), ["Montana"] = ("US", "MT"), ["Nebraska"] = ("US", "NE"), ["Nevada"] = ("US", "NV"),
        ["New Hampshire"] = ("US", "NH"), ["New Jersey"] = ("US", "NJ"), ["New Mexico"] = ("US", "NM"), ["New York"] = ("US", "NY"),
        ["North Carolina"] = ("US", "NC"), ["North Dakota"] = ("US", "ND"), ["Ohio"] = ("US", "OH"), ["Oklahoma"] = ("US", "OK"),
        ["Oregon"] = ("US", "OR"), ["Pennsylvania"] = ("US", "PA"), ["Rhode Island"] = ("US", "RI"), ["South Carolina"] = ("US", "SC"),
        ["South Dakota"] = ("US", "SD"), ["Tennessee"] = ("US", "TN"), ["Texas"] = ("US", "TX"), ["Utah"] = ("US", "UT"),
        ["Vermont"] = ("US", "VT"), ["Virginia"] = ("US", "VA"), ["Washington"] = ("US", "WA"), ["West Virginia"] = ("US", "WV"),
        ["Wisconsin"] = ("US", "WI"), ["Wyoming"] = ("US", "WY"),
        // The geocoder's own spellings, which disambiguate the state from the capital.
        ["Washington State"] = ("US", "WA"), ["Washington D.C."] = ("US", "DC"), ["District of Columbia"] = ("US", "DC"),

        ["Puerto Rico"] = ("PR", "PR"), ["Guam"] = ("GU", "GU"), ["U.S. Virgin Islands"] = ("VI", "VI"),
        ["United States Virgin Islands"] = ("VI", "VI"), ["American Samoa"] = ("AS", "AS"), ["Northern Mariana Islands"] = ("MP", "MP"),

        ["Alberta"] = ("CA", "AB"), ["British Columbia"] = ("CA", "BC"), ["Manitoba"] = ("CA", "MB"), ["New Brunswick"] = ("CA", "NB"),
        ["Newfoundland and Labrador"] = ("CA", "NL"), ["Nova Scotia"] = ("CA", "NS"), ["Ontario"] = ("CA", "ON"),
        ["Prince Edward Island"] = ("CA", "PE"), ["Quebec"] = ("CA", "QC"), ["Québec"] = ("CA", "QC"), ["Saskatchewan"] = ("CA", "SK"),
        ["Northwest Territories"] = ("CA", "NT"), ["Nunavut"] = ("CA", "NU"), ["Yukon"] = ("CA", "YT"),
        // Quirks of the libphonenumber 9.0.43 English data: a misspelling, and a Yukon town given without its territory.
        // Shared descriptions such as "Nova Scotia/Prince Edward Island" stay unmapped on purpose: no single code is right.
        ["British Colombia"] = ("CA", "BC"), ["Watson Lake"] = ("CA", "YT"),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<(string Country, string Code)> Codes = ByName.Values.ToFrozenSet();

    /// <summary>The subdivision code, or null when the description does not name exactly one.</summary>
    /// <param name="description">The geocoder's English description of the number, e.g. "San Francisco, CA" or "Ontario".</param>
    /// <param name="country">The number's ISO country code; the code must belong to it.</param>
    public static string? FromDescription(string? description, string country)
    {
        if (UsTerritories.Contains(country))
            return country;
        if (country is not ("US" or "CA") || string.IsNullOrEmpty(description))
            return null;

        var comma = description.LastIndexOf(", ", StringComparison.Ordinal);
        if (comma >= 0)
        {
            // The table's own string instance is returned so that cached results share it.
            return Codes.TryGetValue((country, description[(comma + 2)..]), out var known) ? known.Code : null;
        }
        return ByName.TryGetValue(description, out var entry) && entry.Country == country ? entry.Code : null;
    }
}
