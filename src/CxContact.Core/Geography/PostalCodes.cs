namespace CxContact.Core.Geography;

/// <summary>
/// Postal code → region and candidate time zones, for US ZIPs and Canadian postal codes. Runs on every imported row,
/// so a lookup allocates nothing: it returns shared <see cref="PostalLocation"/> instances.
/// </summary>
public static class PostalCodes
{
    // USPS codes of places that use US ZIPs but have ISO 3166 codes of their own; a contact's country may be given as
    // any of them.
    private static readonly string[] UsZipCountries = ["US", "PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW"];

    /// <summary>
    /// Where <paramref name="postalCode"/> is, or null when it is unknown or malformed. Accepts "94103",
    /// "94103-1234", "941031234", " 94103 ", "K1A 0B1", "k1a0b1". A known ZIP that maps to no zone (military
    /// APO/FPO) is unknown.
    /// </summary>
    /// <param name="postalCode">The code as written; surrounding white space and letter case do not matter.</param>
    /// <param name="country">ISO-2 hint ("US", "CA"), or null to infer the country from the code's shape. A hint for
    /// any other country gives null.</param>
    public static PostalLocation? Lookup(ReadOnlySpan<char> postalCode, string? country)
    {
        var code = postalCode.Trim();
        var hint = country.AsSpan().Trim();
        if (hint.IsEmpty)
        {
            if (code.IsEmpty)
            {
                return null;
            }
            return char.IsAsciiDigit(code[0]) ? LookupUs(code) : LookupCanada(code);
        }
        if (hint.Equals("CA", StringComparison.OrdinalIgnoreCase))
        {
            return LookupCanada(code);
        }
        foreach (var usCountry in UsZipCountries)
        {
            if (hint.Equals(usCountry, StringComparison.OrdinalIgnoreCase))
            {
                return LookupUs(code);
            }
        }
        return null;
    }

    private static PostalLocation? LookupUs(ReadOnlySpan<char> code)
    {
        // ZIP, ZIP+4 written together, or ZIP+4 with a hyphen or a space.
        var valid = code.Length switch
        {
            5 or 9 => AllDigits(code),
            10 => AllDigits(code[..5]) && code[5] is ('-' or ' ') && AllDigits(code[6..]),
            _ => false,
        };
        if (!valid)
        {
            return null;
        }
        var zip = 0;
        foreach (var c in code[..5])
        {
            zip = zip * 10 + (c - '0');
        }
        return UsZipTable.Instance.Find(zip);
    }

    private static PostalLocation? LookupCanada(ReadOnlySpan<char> code)
    {
        // A9A 9A9 with an optional space or hyphen between the halves.
        if (code.Length == 7 && code[3] is (' ' or '-'))
        {
            Span<char> joined = stackalloc char[6];
            code[..3].CopyTo(joined);
            code[4..].CopyTo(joined[3..]);
            return LookupCanadaSix(joined);
        }
        if (code.Length != 6)
        {
            return null;
        }
        Span<char> copy = stackalloc char[6];
        code.CopyTo(copy);
        return LookupCanadaSix(copy);
    }

    private static PostalLocation? LookupCanadaSix(Span<char> code)
    {
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = char.ToUpperInvariant(code[i]);
        }
        var shaped = CanadianPostalCodes.IsFirstLetter(code[0])
            && char.IsAsciiDigit(code[1])
            && CanadianPostalCodes.IsLetter(code[2])
            && char.IsAsciiDigit(code[3])
            && CanadianPostalCodes.IsLetter(code[4])
            && char.IsAsciiDigit(code[5]);
        return shaped ? CanadianPostalCodes.Find(code) : null;
    }

    private static bool AllDigits(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
