using System.Globalization;
using System.Text.RegularExpressions;

namespace CxContact.Server.Scheduling;

/// <summary>
/// The remote path of a scheduled export, with placeholders so that a daily export does not overwrite yesterday's:
/// {date} (2026-11-27), {time} (070000) and {datetime} (20261127-070000), in the schedule's own time zone at the
/// occurrence being run (so a retried occurrence writes the same name again).
/// </summary>
public static partial class RemotePathTemplate
{
    public static readonly IReadOnlyList<string> Tokens = ["{date}", "{time}", "{datetime}"];

    [GeneratedRegex(@"\{[^{}]*\}?")]
    private static partial Regex Placeholder();

    /// <summary>Why the template cannot be used, or null.</summary>
    public static string? Problem(string template)
    {
        foreach (Match m in Placeholder().Matches(template))
            if (!Tokens.Contains(m.Value))
                return $"\"{m.Value}\" is not a placeholder; use {string.Join(", ", Tokens)}";
        return template.Contains('}') && Placeholder().Replace(template, "").Contains('}') ? "has a \"}\" without its \"{\"" : null;
    }

    public static string Expand(string template, DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return template
            .Replace("{datetime}", local.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{date}", local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{time}", local.ToString("HHmmss", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
