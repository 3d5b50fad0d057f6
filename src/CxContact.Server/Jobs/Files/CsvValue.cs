namespace CxContact.Server.Jobs.Files;

/// <summary>Reading one raw CSV value the way RFC 4180 means it.</summary>
public static class CsvValue
{
    /// <summary>
    /// Unquotes a raw value. A value that opens a quote and never closes it is reported, not guessed at: the parser
    /// toggles quoting at every quote, so an odd count means the rest of the file was swallowed into this value.
    /// </summary>
    public static string? Unquote(ReadOnlySpan<char> raw, char quote, out bool unterminated)
    {
        unterminated = raw.Count('"') % 2 == 1;
        if (raw.IsEmpty || unterminated) return null;
        if (raw[0] != '"') return Restore(raw.ToString(), quote);
        if (raw[^1] != '"') return Restore(raw.ToString(), quote); // "a"b: not RFC 4180; keep it as written
        var inner = raw[1..^1];
        var s = inner.Contains('"') ? inner.ToString().Replace("\"\"", "\"") : inner.ToString();
        return Restore(s, quote);
    }

    /// <summary>Undoes <see cref="QuoteSwappingReader"/> inside a value read from a file quoted with another character.</summary>
    private static string Restore(string s, char quote)
    {
        if (quote == '"' || (s.IndexOf('"') < 0 && s.IndexOf(quote) < 0)) return s;
        var chars = s.ToCharArray();
        QuoteSwappingReader.Swap(chars, quote);
        return new string(chars);
    }
}
