namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// Instants inside every US calling window, for tests that must decide "now"-ish calls whatever the hour the suite runs
/// at: the next noon on the US east coast (9:00 in the west), never more than a day ahead of the real clock.
/// </summary>
public static class CallingHours
{
    public static DateTimeOffset NextEasternNoon()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var noon = local.Date.AddHours(12);
        if (local.DateTime >= noon) noon = noon.AddDays(1);
        return new DateTimeOffset(noon, zone.GetUtcOffset(noon));
    }
}

/// <summary>
/// A fixed calendar in the future, for tests that record attempts at set times and read their limits back: an
/// attempt reported more than five minutes after it was made counts from its arrival, so set times in the past would
/// all collapse onto "now". The year is the first after this one in which 2 December is a Wednesday, so every date
/// the tests name keeps its weekday (and its distance from the holidays) whichever year the suite runs in.
/// </summary>
public static class FutureCalendar
{
    public static readonly int Year = Enumerable.Range(DateTime.UtcNow.Year + 1, 12).First(y => new DateTime(y, 12, 2).DayOfWeek == DayOfWeek.Wednesday);

    /// <summary>"12-02T15:00:00Z" in <see cref="Year"/> (or the years after it).</summary>
    public static DateTimeOffset At(string monthDayTime, int yearsLater = 0) =>
        DateTimeOffset.Parse($"{Year + yearsLater}-{monthDayTime}", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same instant as ISO 8601 text, as a request body carries it.</summary>
    public static string Iso(string monthDayTime, int yearsLater = 0) => At(monthDayTime, yearsLater).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
