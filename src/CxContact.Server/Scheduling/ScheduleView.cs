using System.Text.Json;
using CxContact.Core.Scheduling;

namespace CxContact.Server.Scheduling;

/// <summary>A schedule as the API shows it, with its next runs (UTC instants) and the Hangfire job that carries it.</summary>
public sealed record ScheduleView(Guid Id, string Name, string? Cron, DateTimeOffset? RunAt, string TimeZone, ScheduleView.ActionView Action,
    bool Enabled, string MissedRuns, IReadOnlyList<DateTimeOffset> NextRuns, string? RecurringJobId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The action with its import spec as JSON, as it was given, rather than as a string.</summary>
    public sealed record ActionView(string Type, Guid? CampaignId, Guid? ListId, Guid? SftpConnectionId, string? RemotePath, string? Mode,
        string? Then, JsonElement? Spec);

    public static ScheduleView From(ScheduleInfo s, DateTimeOffset now)
    {
        var d = s.Definition;
        var a = d.Action;
        var action = new ActionView(a.Type, a.CampaignId, a.ListId, a.SftpConnectionId, a.RemotePath, a.Mode, a.Then,
            a.Spec is { } spec ? JsonDocument.Parse(spec).RootElement.Clone() : null);
        return new(s.Id, d.Name, d.Cron, d.RunAt, d.TimeZone, action, d.Enabled, d.MissedRuns, ScheduleTimes.Next(d, now),
            d.Cron is not null && d.Enabled ? s.RecurringJobId : null, s.CreatedAt, s.UpdatedAt);
    }
}
