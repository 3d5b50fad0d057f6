using Cronos;
using CxContact.Core.Scheduling;

namespace CxContact.Server.Scheduling;

/// <summary>
/// Cron parsing and next-run previews with Cronos, the parser Hangfire itself embeds, so what the API previews is
/// what Hangfire fires: five fields (or a macro such as @daily), read in the schedule's own zone, DST included.
/// </summary>
public static class ScheduleTimes
{
    /// <summary>Parses a cron expression; null with the reason when it is not one.</summary>
    public static CronExpression? Parse(string cron, out string? error)
    {
        try
        {
            error = null;
            return CronExpression.Parse(cron.Trim(), CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            error = $"\"{cron}\" is not a cron expression ({e.Message}); use five fields: minute hour day-of-month month day-of-week, e.g. \"0 7 * * 1-5\"";
            return null;
        }
    }

    /// <summary>Finds an IANA zone; null when the name is not one this machine knows.</summary>
    public static TimeZoneInfo? Zone(string name)
    {
        // Windows names are accepted by .NET too; the contract speaks IANA, so only IANA ids are taken.
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone)) return null;
        return zone.HasIanaId || name == "UTC" ? zone : null;
    }

    /// <summary>The next <paramref name="count"/> instants the schedule fires after <paramref name="now"/> (none when disabled).</summary>
    public static IReadOnlyList<DateTimeOffset> Next(ScheduleDefinition d, DateTimeOffset now, int count = 5)
    {
        if (!d.Enabled) return [];
        if (d.RunAt is { } at) return at > now ? [at] : [];
        if (d.Cron is null || Parse(d.Cron, out _) is not { } cron || Zone(d.TimeZone) is not { } zone) return [];
        var runs = new List<DateTimeOffset>(count);
        var from = now.UtcDateTime;
        while (runs.Count < count && cron.GetNextOccurrence(from, zone) is { } next)
        {
            runs.Add(new DateTimeOffset(next, TimeSpan.Zero));
            from = next;
        }
        return runs;
    }
}
