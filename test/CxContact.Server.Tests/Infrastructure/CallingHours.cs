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
