namespace CxContact.Core.Scheduling;

/// <summary>
/// A schedule as validated at the edge: either Cron (five fields, read in TimeZone) or a single RunAt instant, an
/// action, whether it is enabled, and what to do about runs missed while the platform was down.
/// </summary>
[GenerateSerializer, Alias("cxc.ScheduleDefinition")]
public sealed record ScheduleDefinition
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? Cron { get; init; }
    [Id(2)] public DateTimeOffset? RunAt { get; init; }
    [Id(3)] public required string TimeZone { get; init; }
    [Id(4)] public required ScheduleAction Action { get; init; }
    [Id(5)] public bool Enabled { get; init; } = true;
    [Id(6)] public string MissedRuns { get; init; } = MissedRunPolicy.RunOnce;
}
