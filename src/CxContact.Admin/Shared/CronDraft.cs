using Cronos;

namespace CxContact.Admin.Shared;

/// <summary>
/// What the cron builder edits: a pattern (every day, weekdays, chosen days, every hour, or a typed expression) and
/// its time, turned into a five-field cron expression, checked and previewed with Cronos, the parser the server and
/// Hangfire use, so the next runs shown before saving are the ones the schedule will have.
/// </summary>
public sealed class CronDraft
{
    public const string Daily = "daily", Weekdays = "weekdays", Days = "days", Hourly = "hourly", Custom = "custom";

    public string Pattern { get; set; } = Weekdays;
    public int Hour { get; set; } = 7;
    public int Minute { get; set; }
    /// <summary>Chosen days for <see cref="Days"/>: 0 Sunday to 6 Saturday, as cron counts them.</summary>
    public SortedSet<int> DaysOfWeek { get; } = [1, 2, 3, 4, 5];
    public string Expression { get; set; } = "0 7 * * 1-5";

    /// <summary>The expression the pattern makes (or the typed one for <see cref="Custom"/>).</summary>
    public string Cron => Pattern switch
    {
        Daily => $"{Minute} {Hour} * * *",
        Weekdays => $"{Minute} {Hour} * * 1-5",
        Days => DaysOfWeek.Count == 0 ? "" : $"{Minute} {Hour} * * {string.Join(',', DaysOfWeek)}",
        Hourly => $"{Minute} * * * *",
        _ => Expression.Trim(),
    };

    /// <summary>Why the expression is not usable, or null.</summary>
    public string? Error
    {
        get
        {
            if (Pattern != Custom && Pattern != Hourly && Hour is < 0 or > 23) return "the hour is 0 to 23";
            if (Pattern != Custom && Minute is < 0 or > 59) return "the minute is 0 to 59";
            if (Pattern == Days && DaysOfWeek.Count == 0) return "choose at least one day";
            if (string.IsNullOrWhiteSpace(Cron)) return "enter a cron expression: minute hour day-of-month month day-of-week";
            try
            {
                CronExpression.Parse(Cron, CronFormat.Standard);
                return null;
            }
            catch (CronFormatException e) { return $"not a cron expression: {e.Message}"; }
        }
    }

    /// <summary>The next runs after <paramref name="from"/> in the zone (none while the expression or the zone is wrong).</summary>
    public IReadOnlyList<DateTimeOffset> Next(string zoneId, DateTimeOffset from, int count = 5)
    {
        if (Error is not null || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone)) return [];
        var cron = CronExpression.Parse(Cron, CronFormat.Standard);
        var runs = new List<DateTimeOffset>(count);
        var at = from.UtcDateTime;
        while (runs.Count < count && cron.GetNextOccurrence(at, zone) is { } next)
        {
            runs.Add(new DateTimeOffset(next, TimeSpan.Zero));
            at = next;
        }
        return runs;
    }
}
