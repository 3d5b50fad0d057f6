namespace CxContact.Core.Compliance;

/// <summary>
/// A local-time window [Start, End) within one day, to the minute. End may be 24:00 so that a rule
/// can leave a whole day open (e.g. a state that only restricts Sundays).
/// </summary>
[GenerateSerializer, Alias("cxc.TimeWindow")]
public readonly record struct TimeWindow(
    [property: Id(0)] TimeSpan Start,
    [property: Id(1)] TimeSpan End)
{
    public bool Contains(TimeSpan localTime) => localTime >= Start && localTime < End;

    public override string ToString() => $"{Format(Start)}–{Format(End)}";

    /// <summary>"HH:mm", with 24:00 for the end of the day.</summary>
    public static string Format(TimeSpan t) => $"{(int)t.TotalHours:00}:{t.Minutes:00}";
}
