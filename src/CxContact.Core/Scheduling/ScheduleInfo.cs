namespace CxContact.Core.Scheduling;

/// <summary>A stored schedule: its definition and the Hangfire ids that carry it.</summary>
[GenerateSerializer, Alias("cxc.ScheduleInfo")]
public sealed record ScheduleInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] ScheduleDefinition Definition,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] string RecurringJobId,
    [property: Id(6)] string? OneShotJobId);
