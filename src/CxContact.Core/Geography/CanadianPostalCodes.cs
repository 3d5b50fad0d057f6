using System.Collections.ObjectModel;

namespace CxContact.Core.Geography;

/// <summary>
/// Canadian postal code → province and candidate zones, from the forward sortation area (FSA, the first three
/// characters). The province follows from the first letter; the zone from the province, except in the FSAs listed
/// in <see cref="Exceptions"/>.
/// </summary>
/// <remarks>
/// Sources: the letter scheme and the FSAs are Canada Post's; the FSA names quoted below are its descriptive names
/// as carried by the Canadian table of the <c>zipcodes</c> npm package that <c>eng/refdata</c> pins. Zone names and
/// the areas they cover (quoted) are from IANA's <c>zone.tab</c> for CA. Where an FSA's area is
/// known to straddle a zone line, or its extent could not be confirmed, it lists every zone it may be in; the
/// design allows a call only when every candidate zone allows it, so an extra candidate costs calling time, never
/// compliance. Zones that keep the same clock today are given by one name (America/Glace_Bay as America/Halifax,
/// America/Swift_Current as America/Regina, America/Inuvik as America/Edmonton, America/Dawson as
/// America/Whitehorse; America/Dawson_Creek is not repeated where America/Fort_Nelson is listed).
/// </remarks>
internal static class CanadianPostalCodes
{
    private const int FsaCount = 26 * 10 * 26;

    // Canada Post's first letters. D, F, I, O, Q, U, W and Z begin no postal code.
    private static readonly (char Letter, string Province, string Zone)[] Provinces =
    [
        ('A', "NL", "America/St_Johns"),
        ('B', "NS", "America/Halifax"),
        ('C', "PE", "America/Halifax"),
        ('E', "NB", "America/Moncton"),
        ('G', "QC", "America/Toronto"),
        ('H', "QC", "America/Toronto"),
        ('J', "QC", "America/Toronto"),
        ('K', "ON", "America/Toronto"),
        ('L', "ON", "America/Toronto"),
        ('M', "ON", "America/Toronto"),
        ('N', "ON", "America/Toronto"),
        ('P', "ON", "America/Toronto"),
        ('R', "MB", "America/Winnipeg"),
        ('S', "SK", "America/Regina"),
        ('T', "AB", "America/Edmonton"),
        ('V', "BC", "America/Vancouver"),
        // X is shared by the Northwest Territories and Nunavut; Nunavut's FSAs are the exceptions X0A, X0B, X0C.
        // America/Yellowknife became a link to America/Edmonton in tzdata 2023c.
        ('X', "NT", "America/Edmonton"),
        ('Y', "YT", "America/Whitehorse"),
    ];

    private static readonly (string Fsa, string Province, string[] Zones)[] Exceptions =
    [
        // "Northwest Newfoundland/eastern Labrador (Mary's Harbour)": south-east Labrador and the island keep
        // Newfoundland time (zone.tab: "Newfoundland, Labrador (SE)"), but the FSA reaches up the Labrador coast,
        // which is on Atlantic time.
        ("A0K", "NL", ["America/St_Johns", "America/Goose_Bay"]),
        // Central, north and west Labrador and Labrador City: "Atlantic - Labrador (most areas)".
        ("A0P", "NL", ["America/Goose_Bay"]),
        ("A0R", "NL", ["America/Goose_Bay"]),
        ("A2V", "NL", ["America/Goose_Bay"]),
        // Îles-de-la-Madeleine keep Atlantic time. G4T is named for the islands; G0B (Cap-aux-Meules) could not be
        // confirmed to hold nothing on the mainland, so it keeps Eastern as a candidate.
        ("G4T", "QC", ["America/Halifax"]),
        ("G0B", "QC", ["America/Halifax", "America/Toronto"]),
        // "Côte-Nord/Anticosti": east of 63°W the Lower North Shore keeps AST all year ("AST - QC (Lower North Shore)").
        ("G0G", "QC", ["America/Toronto", "America/Blanc-Sablon"]),
        // North-western Ontario is on Central time ("Central - ON (west)"). "Lake Superior North Shore" holds
        // Eastern-time towns, Atikokan ("EST - ON (Atikokan)") and Central-time Ignace; "Northwestern Ontario
        // (Red Lake)" reaches remote communities on either side of the line.
        ("P0T", "ON", ["America/Toronto", "America/Atikokan", "America/Winnipeg"]),
        ("P0V", "ON", ["America/Winnipeg", "America/Toronto"]),
        ("P0W", "ON", ["America/Winnipeg"]), // Rainy River region
        ("P0X", "ON", ["America/Winnipeg"]), // Kenora region
        ("P0Y", "ON", ["America/Winnipeg"]), // Lake of the Woods east shore
        ("P8N", "ON", ["America/Winnipeg"]), // Dryden
        ("P8T", "ON", ["America/Winnipeg"]), // Sioux Lookout
        ("P9A", "ON", ["America/Winnipeg"]), // Fort Frances
        ("P9N", "ON", ["America/Winnipeg"]), // Kenora
        // Lloydminster keeps Alberta time ("Mountain - ... SK(W)").
        ("S9V", "SK", ["America/Edmonton"]),
        // "Northeastern Saskatchewan (Creighton)": Creighton and Denare Beach keep Central time with DST, like Flin Flon.
        ("S0P", "SK", ["America/Regina", "America/Winnipeg"]),
        // Eastern BC is on Mountain time ("Mountain - ... BC(E)"). "Upper Columbia Region (Golden)" is, but its
        // edge towards Pacific-time Revelstoke could not be confirmed.
        ("V0A", "BC", ["America/Edmonton", "America/Vancouver"]),
        // "East Kootenays (Fernie)": Mountain time, Creston keeps MST all year ("MST - BC (Creston)"), Yahk is Pacific.
        ("V0B", "BC", ["America/Edmonton", "America/Creston", "America/Vancouver"]),
        ("V1A", "BC", ["America/Edmonton"]), // Kimberley
        ("V1C", "BC", ["America/Edmonton"]), // Cranbrook
        // "Northern British Columbia (Fort Nelson)": Fort Nelson and the Peace River country keep MST all year
        // ("MST - BC (Ft Nelson)", "MST - BC (Dawson Cr, Ft St John)"); its far north (Lower Post) is Pacific.
        ("V0C", "BC", ["America/Fort_Nelson", "America/Vancouver"]),
        ("V1G", "BC", ["America/Dawson_Creek"]), // Dawson Creek
        ("V1J", "BC", ["America/Dawson_Creek"]), // Fort St. John
        // Nunavut. "Outer Nunavut (Iqaluit)" (Qikiqtaaluk) is Eastern except Resolute ("Central - NU (Resolute)");
        // "Central Nunavut (Cambridge Bay)" (Kitikmeot) is Mountain ("Mountain - NU (west)"); "Inner Nunavut
        // (Rankin Inlet)" (Kivalliq) is Central except Coral Harbour, on EST all year ("EST - ... NU (Coral H)").
        ("X0A", "NU", ["America/Iqaluit", "America/Resolute"]),
        ("X0B", "NU", ["America/Cambridge_Bay"]),
        ("X0C", "NU", ["America/Rankin_Inlet", "America/Atikokan"]),
    ];

    private static readonly PostalLocation?[] ByFirstLetter = new PostalLocation?[26];
    private static readonly PostalLocation?[] ByFsa = new PostalLocation?[FsaCount];

    static CanadianPostalCodes()
    {
        var shared = new Dictionary<string, PostalLocation>(StringComparer.Ordinal);
        PostalLocation Share(string province, string[] zones)
        {
            var key = province + "|" + string.Join(',', zones);
            if (!shared.TryGetValue(key, out var location))
            {
                location = new PostalLocation("CA", province, new ReadOnlyCollection<string>(zones));
                shared.Add(key, location);
            }
            return location;
        }

        foreach (var (letter, province, zone) in Provinces)
        {
            ByFirstLetter[letter - 'A'] = Share(province, [zone]);
        }
        foreach (var (fsa, province, zones) in Exceptions)
        {
            ByFsa[FsaIndex(fsa)] = Share(province, zones);
        }
    }

    /// <param name="code">Six characters, upper case, in the shape A9A9A9 with valid letters.</param>
    internal static PostalLocation? Find(ReadOnlySpan<char> code) =>
        ByFsa[FsaIndex(code[..3])] ?? ByFirstLetter[code[0] - 'A'];

    /// <summary>Whether <paramref name="c"/> may appear at a letter position: Canada Post never uses D, F, I, O, Q or U.</summary>
    internal static bool IsLetter(char c) => c is >= 'A' and <= 'Z' and not ('D' or 'F' or 'I' or 'O' or 'Q' or 'U');

    /// <summary>Whether <paramref name="c"/> may begin a postal code.</summary>
    internal static bool IsFirstLetter(char c) => c is >= 'A' and <= 'Z' && ByFirstLetter[c - 'A'] is not null;

    private static int FsaIndex(ReadOnlySpan<char> fsa) => ((fsa[0] - 'A') * 10 + (fsa[1] - '0')) * 26 + (fsa[2] - 'A');
}
