using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CxContact.Core.Compliance;

/// <summary>
/// ISO-8601 durations limited to weeks, days, hours, minutes and seconds. Years and months are refused because
/// their length depends on the calendar, and a rolling legal window must be an exact span.
/// </summary>
internal static partial class IsoDuration
{
    [GeneratedRegex(@"^P(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text == "P" || text.EndsWith('T'))
            return false;
        var match = Pattern().Match(text);
        if (!match.Success)
            return false;
        try
        {
            checked
            {
                long Part(string name) => match.Groups[name].Success ? long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
                var seconds = Part("w") * 7 * 86400 + Part("d") * 86400 + Part("h") * 3600 + Part("m") * 60 + Part("s");
                value = TimeSpan.FromSeconds(seconds);
                return true;
            }
        }
        catch (Exception e) when (e is OverflowException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Days and a time part, e.g. "P7D", "PT24H", "P1DT30M"; a zero or negative span becomes "PT0S".</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            return "PT0S";
        var sb = new StringBuilder("P");
        if (value.Days > 0) sb.Append(CultureInfo.InvariantCulture, $"{value.Days}D");
        if (value.Hours > 0 || value.Minutes > 0 || value.Seconds > 0)
        {
            sb.Append('T');
            if (value.Hours > 0) sb.Append(CultureInfo.InvariantCulture, $"{value.Hours}H");
            if (value.Minutes > 0) sb.Append(CultureInfo.InvariantCulture, $"{value.Minutes}M");
            if (value.Seconds > 0) sb.Append(CultureInfo.InvariantCulture, $"{value.Seconds}S");
        }
        return sb.ToString();
    }

    /// <summary>For explanations: "24 h", "7 days", "90 min".</summary>
    public static string Describe(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerDay == 0 && value.TotalDays >= 7)
            return $"{(long)value.TotalDays} days";
        if (value.Ticks % TimeSpan.TicksPerHour == 0)
            return $"{(long)value.TotalHours} h";
        if (value.Ticks % TimeSpan.TicksPerMinute == 0)
            return $"{(long)value.TotalMinutes} min";
        return $"{(long)value.TotalSeconds} s";
    }
}
