using System.Globalization;

namespace CxContact.Core.Lists;

/// <summary>Parses custom field text by its declared type; the invariant culture and ISO dates, so files mean one thing.</summary>
public static class CustomValues
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd", "MM/dd/yyyy", "M/d/yyyy"];

    public static bool TryParse(CustomFieldType type, string text, out object value, out string? error)
    {
        error = null;
        switch (type)
        {
            case CustomFieldType.String:
                value = text;
                return true;
            case CustomFieldType.Number when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d):
                value = d;
                return true;
            case CustomFieldType.Date when DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case CustomFieldType.Bool when TryBool(text, out var b):
                value = b;
                return true;
            default:
                value = text;
                error = type switch
                {
                    CustomFieldType.Number => $"\"{Clip(text)}\" is not a number",
                    CustomFieldType.Date => $"\"{Clip(text)}\" is not a date (use YYYY-MM-DD)",
                    _ => $"\"{Clip(text)}\" is not true/false, yes/no or 1/0",
                };
                return false;
        }
    }

    public static string? ToText(object? value) => value switch
    {
        null => null,
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static bool TryBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "1" or "t": value = true; return true;
            case "false" or "no" or "n" or "0" or "f": value = false; return true;
            default: value = false; return false;
        }
    }

    public static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
