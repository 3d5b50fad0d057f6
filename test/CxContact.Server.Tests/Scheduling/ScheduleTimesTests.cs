using CxContact.Core.Scheduling;
using CxContact.Server.Scheduling;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>Next-run previews read the cron expression in the schedule's own zone, across DST changes.</summary>
public sealed class ScheduleTimesTests
{
    private static ScheduleDefinition Daily(string cron, string zone) => new()
    {
        Name = "t", Cron = cron, TimeZone = zone, Action = new ScheduleAction { Type = ScheduleActionTypes.StartCampaign, CampaignId = Guid.NewGuid() },
    };

    [Fact]
    public void Seven_in_the_morning_in_New_York_moves_an_hour_in_UTC_when_DST_starts()
    {
        // DST starts in the US on Sunday 14 March 2027 at 02:00 local.
        var runs = ScheduleTimes.Next(Daily("0 7 * * *", "America/New_York"), new DateTimeOffset(2027, 3, 12, 13, 0, 0, TimeSpan.Zero));

        Assert.Equal(
        [
            new DateTimeOffset(2027, 3, 13, 12, 0, 0, TimeSpan.Zero), // EST, UTC-5
            new DateTimeOffset(2027, 3, 14, 11, 0, 0, TimeSpan.Zero), // EDT, UTC-4
            new DateTimeOffset(2027, 3, 15, 11, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 3, 16, 11, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 3, 17, 11, 0, 0, TimeSpan.Zero),
        ], runs);
    }

    [Fact]
    public void Weekdays_at_20_in_Berlin_skip_the_weekend_and_follow_the_October_change()
    {
        // Europe leaves summer time on Sunday 31 October 2027.
        var runs = ScheduleTimes.Next(Daily("0 20 * * 1-5", "Europe/Berlin"), new DateTimeOffset(2027, 10, 28, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(
        [
            new DateTimeOffset(2027, 10, 28, 18, 0, 0, TimeSpan.Zero), // Thursday, CEST
            new DateTimeOffset(2027, 10, 29, 18, 0, 0, TimeSpan.Zero), // Friday
            new DateTimeOffset(2027, 11, 1, 19, 0, 0, TimeSpan.Zero),  // Monday, CET
            new DateTimeOffset(2027, 11, 2, 19, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 11, 3, 19, 0, 0, TimeSpan.Zero),
        ], runs);
    }

    [Fact]
    public void A_single_run_previews_itself_until_it_has_passed_and_a_disabled_schedule_previews_nothing()
    {
        var at = new DateTimeOffset(2027, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var once = Daily("0 7 * * *", "UTC") with { Cron = null, RunAt = at };
        Assert.Equal([at], ScheduleTimes.Next(once, at.AddHours(-1)));
        Assert.Empty(ScheduleTimes.Next(once, at.AddHours(1)));
        Assert.Empty(ScheduleTimes.Next(Daily("0 7 * * *", "UTC") with { Enabled = false }, at));
    }

    [Theory]
    [InlineData("0 7 * *")]
    [InlineData("61 7 * * *")]
    [InlineData("every morning")]
    public void Bad_cron_expressions_are_refused_with_a_reason(string cron)
    {
        Assert.Null(ScheduleTimes.Parse(cron, out var error));
        Assert.Contains(cron, error);
    }

    [Fact]
    public void Only_IANA_zones_are_taken()
    {
        Assert.NotNull(ScheduleTimes.Zone("America/New_York"));
        Assert.NotNull(ScheduleTimes.Zone("UTC"));
        Assert.Null(ScheduleTimes.Zone("Mars/Olympus_Mons"));
    }
}
