using CxContact.Core.Scheduling;

namespace CxContact.Server.Scheduling;

/// <summary>A schedule as the API shows it, with its next runs (UTC instants) and the Hangfire job that carries it.</summary>
public sealed record ScheduleView(Guid Id, string Name, string? Cron, DateTimeOffset? RunAt, string TimeZone, ScheduleAction Action, bool Enabled,
    string MissedRuns, IReadOnlyList<DateTimeOffset> NextRuns, string? RecurringJobId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ScheduleView From(ScheduleInfo s, DateTimeOffset now)
    {
        var d = s.Definition;
        return new(s.Id, d.Name, d.Cron, d.RunAt, d.TimeZone, d.Action, d.Enabled, d.MissedRuns, ScheduleTimes.Next(d, now),
            d.Cron is not null && d.Enabled ? s.RecurringJobId : null, s.CreatedAt, s.UpdatedAt);
    }
}
