namespace CxContact.Core.Compliance;

/// <summary>Explicit holiday dates. Kept as data so a new year is a data change, not a code change.</summary>
[GenerateSerializer, Alias("cxc.HolidayCalendar")]
public sealed record HolidayCalendar
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Citation { get; init; }
    [Id(2)] public required IReadOnlyList<DateOnly> Dates { get; init; }
}
