using CxContact.Core.Scheduling;

namespace CxContact.Server.Scheduling;

/// <summary>One run in a schedule's history; Import and Export link to the import or export it produced.</summary>
public sealed record ScheduleRunView(Guid Id, Guid ScheduleId, string Trigger, string ActionType, DateTimeOffset? ScheduledFor, string State,
    int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds, string? Error,
    string? Detail, Guid? ImportId, string? Import, Guid? ExportId, string? Export)
{
    public static ScheduleRunView From(ScheduleRun r) => new(r.RunId, r.ScheduleId, r.Trigger, r.ActionType, r.ScheduledFor, r.State, r.Attempts,
        r.CreatedAt, r.StartedAt, r.FinishedAt,
        r.StartedAt is { } s && r.FinishedAt is { } f ? Math.Round((f - s).TotalSeconds, 3) : null,
        r.Error, r.Detail, r.ImportId, ImportLink(r), r.ExportId,
        r.ExportId is { } e && r.ListId is { } l ? $"/api/v1/contact-lists/{l}/exports/{e}" : null);

    private static string? ImportLink(ScheduleRun r) => r.ImportId is { } i && r.ListId is { } l
        ? r.ActionType == ScheduleActionTypes.ImportSuppressionList
            ? $"/api/v1/suppression-lists/{l}/imports/{i}"
            : $"/api/v1/contact-lists/{l}/imports/{i}"
        : null;
}
