namespace CxContact.Core.Compliance;

/// <summary>
/// Which weekday is also a holiday when the holiday itself falls on a weekend, as a holiday statute says. Both the
/// day itself and the observed day count: a law that bans calls "on a legal holiday" is read the strict way. Wire
/// names: "none", "sunday-to-monday", "weekend-to-nearest-weekday" (Saturday to Friday, Sunday to Monday),
/// "weekend-to-monday".
/// </summary>
public enum ObservedPolicy
{
    None = 0,
    SundayToMonday = 1,
    WeekendToNearestWeekday = 2,
    WeekendToMonday = 3,
}
