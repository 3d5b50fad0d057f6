namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// Real time moved to a chosen instant (then running on at real speed), and movable forward: calling-window and
/// lease-expiry tests must not depend on when the suite happens to run. Timers and delays stay real.
/// </summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private TimeSpan _offset = start - DateTimeOffset.UtcNow;

    /// <summary>The coming Wednesday at 17:00 UTC: noon in New York, 09:00 in California, a weekday and no US holiday.</summary>
    public static ShiftedClock WednesdayNoonEastern()
    {
        var d = DateTime.UtcNow.Date.AddDays(1);
        while (d.DayOfWeek != DayOfWeek.Wednesday || (d.Month == 11 && d.Day is >= 22 and <= 28) || (d.Month is 12 or 1 && d.Day is >= 24 or <= 2)) d = d.AddDays(1);
        return new ShiftedClock(new DateTimeOffset(d.AddHours(17), TimeSpan.Zero));
    }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}
