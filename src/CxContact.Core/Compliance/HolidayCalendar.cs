namespace CxContact.Core.Compliance;

/// <summary>
/// A jurisdiction's legal holidays: rules that give each holiday's date in any year (<see cref="Holidays"/>), with the
/// observed-day policy of its holiday statute, plus any explicit <see cref="Dates"/> (a one-off day of mourning) and
/// the days of the calendars it <see cref="Includes"/> ("a state or federal holiday"). Computed for any year: nothing
/// runs out.
/// </summary>
[GenerateSerializer, Alias("cxc.HolidayCalendar")]
public sealed record HolidayCalendar
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Citation { get; init; }
    [Id(2)] public IReadOnlyList<DateOnly> Dates { get; init; } = [];
    [Id(3)] public IReadOnlyList<HolidayRule> Holidays { get; init; } = [];
    [Id(4)] public ObservedPolicy Observed { get; init; } = ObservedPolicy.None;
    [Id(5)] public IReadOnlyList<string> Includes { get; init; } = [];
    [Id(6)] public string? Url { get; init; }
    [Id(7)] public DateOnly? Checked { get; init; }
}
