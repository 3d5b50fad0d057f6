namespace CxContact.Server.Scheduling;

/// <summary>One run in a schedule's history; Import links to the import it produced.</summary>
public sealed record ScheduleRunView(Guid Id, Guid ScheduleId, string Trigger, string ActionType, DateTimeOffset? ScheduledFor, string State,
    int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds, string? Error,
    string? Detail, Guid? ImportId, string? Import)
{
    public static ScheduleRunView From(ScheduleRun r) => new(r.RunId, r.ScheduleId, r.Trigger, r.ActionType, r.ScheduledFor, r.State, r.Attempts,
        r.CreatedAt, r.StartedAt, r.FinishedAt,
        r.StartedAt is { } s && r.FinishedAt is { } f ? Math.Round((f - s).TotalSeconds, 3) : null,
        r.Error, r.Detail, r.ImportId,
        r.ImportId is { } i && r.ListId is { } l ? $"/api/v1/contact-lists/{l}/imports/{i}" : null);
}
