namespace CxContact.Core.Compliance;

/// <summary>
/// One holiday, as a rule that gives its date in any year: a fixed date (<see cref="Month"/> and <see cref="Day"/>);
/// the <see cref="Nth"/> (1 to 5, or -1 for the last) <see cref="Weekday"/> of a month; the first
/// <see cref="Weekday"/> on or after a day of a month (<see cref="OnOrAfter"/>, e.g. US Election Day: the Tuesday on or
/// after November 2); or a number of days from Western Easter Sunday (<see cref="Easter"/>: Good Friday is -2, Mardi
/// Gras -47). Optionally only from or until a year, or only in even or odd years.
/// </summary>
[GenerateSerializer, Immutable, Alias("cxc.HolidayRule")]
public sealed record HolidayRule
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public int? Month { get; init; }
    [Id(2)] public int? Day { get; init; }
    [Id(3)] public DayOfWeek? Weekday { get; init; }
    [Id(4)] public int? Nth { get; init; }
    [Id(5)] public int? OnOrAfter { get; init; }
    [Id(6)] public int? Easter { get; init; }
    /// <summary>Overrides the calendar's policy for this holiday.</summary>
    [Id(7)] public ObservedPolicy? Observed { get; init; }
    [Id(8)] public int? FirstYear { get; init; }
    [Id(9)] public int? LastYear { get; init; }
    /// <summary>"even" or "odd": only in those years (e.g. an election day).</summary>
    [Id(10)] public string? Years { get; init; }
}
