namespace CxContact.Server.Scheduling;

/// <summary>The body of POST and PUT /api/v1/schedules, before validation.</summary>
public sealed record ScheduleRequest(string? Name, string? Cron, DateTimeOffset? RunAt, string? TimeZone, ScheduleActionRequest? Action,
    bool? Enabled, string? MissedRuns);
