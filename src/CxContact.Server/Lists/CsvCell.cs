using System.Text;

namespace CxContact.Server.Lists;

/// <summary>
/// Writes one CSV cell. Values that a spreadsheet would run as a formula (leading =, @, tab or CR, or + or - before
/// anything but a plain number) get a leading apostrophe (OWASP's advice against CSV injection); anything with a
/// delimiter, quote or newline is quoted.
/// </summary>
public static class CsvCell
{
    public static void Append(StringBuilder sb, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        var neutralise = value[0] is '=' or '@' or '\t' or '\r' || (value[0] is '+' or '-' && !IsPlainNumber(value.AsSpan(1)));
        var quote = neutralise || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (quote) sb.Append('"');
        if (neutralise) sb.Append('\'');
        foreach (var ch in value)
        {
            if (ch == '"') sb.Append('"');
            sb.Append(ch);
        }
        if (quote) sb.Append('"');
    }

    /// <summary>"+14155550001" and "-12.5" are data, not formulas: a spreadsheet reads them as numbers.</summary>
    private static bool IsPlainNumber(ReadOnlySpan<char> rest) => !rest.IsEmpty && !rest.ContainsAnyExcept("0123456789. ");

    public static void Row(StringBuilder sb, params string?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            Append(sb, values[i]);
        }
        sb.Append("\r\n");
    }
}
