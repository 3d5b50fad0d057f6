using CxContact.Core.Compliance;
using CxContact.Core.Tests.Compliance.Law;

namespace CxContact.Core.Tests.Compliance;

/// <summary>Holidays as rules: fixed dates, nth and last weekdays, weekdays on or after a day, Easter, observed days.</summary>
public sealed class HolidayDatesTests
{
    [Theory]
    // Western Easter Sundays, from published tables.
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2028, "2028-04-16")]
    [InlineData(2029, "2029-04-01")]
    [InlineData(2030, "2030-04-21")]
    [InlineData(2035, "2035-03-25")]
    [InlineData(2038, "2038-04-25")]
    [InlineData(2040, "2040-04-01")]
    public void Easter_sunday(int year, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), HolidayDates.EasterSunday(year));

    [Theory]
    [InlineData("Mardi Gras", 2026, "2026-02-17")]
    [InlineData("Mardi Gras", 2027, "2027-02-09")]
    [InlineData("Good Friday", 2026, "2026-04-03")]
    [InlineData("Good Friday", 2040, "2040-03-30")]
    public void Days_from_easter(string name, int year, string expected)
    {
        var rule = new HolidayRule { Name = name, Easter = name == "Mardi Gras" ? -47 : -2 };
        Assert.Equal(DateOnly.Parse(expected), HolidayDates.In(rule, year, ObservedPolicy.None)!.Value.Date);
    }

    [Theory]
    [InlineData(1, DayOfWeek.Monday, 3, null, 2026, "2026-01-19")]   // Martin Luther King Jr. Day
    [InlineData(5, DayOfWeek.Monday, -1, null, 2026, "2026-05-25")]  // Memorial Day: the last Monday
    [InlineData(5, DayOfWeek.Monday, -1, null, 2027, "2027-05-31")]
    [InlineData(11, DayOfWeek.Thursday, 4, null, 2028, "2028-11-23")] // Thanksgiving
    [InlineData(8, DayOfWeek.Monday, 2, null, 2026, "2026-08-10")]   // Rhode Island's Victory Day
    [InlineData(11, DayOfWeek.Tuesday, null, 2, 2026, "2026-11-03")] // Election Day: the Tuesday after the first Monday
    [InlineData(11, DayOfWeek.Tuesday, null, 2, 2032, "2032-11-02")]
    public void Weekdays_of_a_month(int month, DayOfWeek weekday, int? nth, int? onOrAfter, int year, string expected)
    {
        var rule = new HolidayRule { Name = "x", Month = month, Weekday = weekday, Nth = nth, OnOrAfter = onOrAfter };
        Assert.Null(HolidayDates.Problem(rule));
        Assert.Equal(DateOnly.Parse(expected), HolidayDates.In(rule, year, ObservedPolicy.None)!.Value.Date);
    }

    [Fact]
    public void A_weekend_holiday_is_also_held_on_its_observed_weekday_even_across_new_year()
    {
        var calendars = new Dictionary<string, HolidayCalendar>
        {
            ["c"] = new() { Id = "c", Citation = "test", Observed = ObservedPolicy.WeekendToNearestWeekday,
                Holidays = [new HolidayRule { Name = "New Year's Day", Month = 1, Day = 1 }, new HolidayRule { Name = "Independence Day", Month = 7, Day = 4 }] },
        };
        // 2028-01-01 is a Saturday: observed on Friday 2027-12-31, a day of 2027's calendar.
        Assert.Contains(new DateOnly(2027, 12, 31), HolidayDates.DaysIn("c", 2027, calendars));
        Assert.Contains(new DateOnly(2028, 1, 1), HolidayDates.DaysIn("c", 2028, calendars));
        // 2026-07-04 is a Saturday: both the day and Friday 2026-07-03.
        var y2026 = HolidayDates.DaysIn("c", 2026, calendars);
        Assert.Contains(new DateOnly(2026, 7, 4), y2026);
        Assert.Contains(new DateOnly(2026, 7, 3), y2026);
        Assert.DoesNotContain(new DateOnly(2026, 7, 6), y2026);
    }

    [Fact]
    public void A_calendar_includes_the_days_of_another()
    {
        var calendars = new Dictionary<string, HolidayCalendar>
        {
            ["federal"] = new() { Id = "federal", Citation = "t", Holidays = [new HolidayRule { Name = "Christmas", Month = 12, Day = 25 }] },
            ["state"] = new() { Id = "state", Citation = "t", Includes = ["federal"], Holidays = [new HolidayRule { Name = "Good Friday", Easter = -2 }] },
        };
        var days = HolidayDates.DaysIn("state", 2026, calendars);
        Assert.Contains(new DateOnly(2026, 12, 25), days);
        Assert.Contains(new DateOnly(2026, 4, 3), days);
    }

    [Fact]
    public void Years_limit_a_holiday()
    {
        var juneteenth = new HolidayRule { Name = "Juneteenth", Month = 6, Day = 19, FirstYear = 2021 };
        Assert.Null(HolidayDates.In(juneteenth, 2020, ObservedPolicy.None));
        Assert.NotNull(HolidayDates.In(juneteenth, 2021, ObservedPolicy.None));
        var election = new HolidayRule { Name = "Election Day", Month = 11, Weekday = DayOfWeek.Tuesday, OnOrAfter = 2, Years = "even" };
        Assert.Null(HolidayDates.In(election, 2027, ObservedPolicy.None));
        Assert.NotNull(HolidayDates.In(election, 2028, ObservedPolicy.None));
    }

    [Theory]
    [InlineData(2, 30, null, null, null, "does not exist")]
    [InlineData(13, 1, null, null, null, "month must be 1 to 12")]
    [InlineData(5, null, DayOfWeek.Monday, 5, null, "nth must be 1 to 4")]
    [InlineData(5, null, null, 2, null, "need a weekday")]
    [InlineData(null, null, null, null, 100, "easter is a number of days")]
    public void Impossible_holidays_are_named(int? month, int? day, DayOfWeek? weekday, int? nth, int? easter, string problem)
    {
        var rule = new HolidayRule { Name = "x", Month = month, Day = day, Weekday = weekday, Nth = nth, Easter = easter };
        Assert.Contains(problem, HolidayDates.Problem(rule));
    }

    public static TheoryData<int> Years() => new(Enumerable.Range(2026, 15));

    [Theory]
    [MemberData(nameof(Years))]
    public void The_shipped_federal_calendar_holds_every_5_USC_6103_holiday_every_year_to_2040(int year)
    {
        // 5 U.S.C. 6103(a): the dates and weekday rules themselves, checked for the year.
        var e = Statute.Shipped;
        bool Holiday(DateOnly d) => e.IsHoliday("us-federal-holidays", d);
        DateOnly Nth(int month, DayOfWeek day, int n) =>
            Enumerable.Range(1, DateTime.DaysInMonth(year, month)).Select(d => new DateOnly(year, month, d)).Where(d => d.DayOfWeek == day).ElementAt(n);
        DateOnly Last(int month, DayOfWeek day) =>
            Enumerable.Range(1, DateTime.DaysInMonth(year, month)).Select(d => new DateOnly(year, month, d)).Last(d => d.DayOfWeek == day);
        DateOnly[] days =
        [
            new(year, 1, 1), Nth(1, DayOfWeek.Monday, 2), Nth(2, DayOfWeek.Monday, 2), Last(5, DayOfWeek.Monday), new(year, 6, 19), new(year, 7, 4),
            Nth(9, DayOfWeek.Monday, 0), Nth(10, DayOfWeek.Monday, 1), new(year, 11, 11), Nth(11, DayOfWeek.Thursday, 3), new(year, 12, 25),
        ];
        Assert.All(days, d => Assert.True(Holiday(d), $"{d:yyyy-MM-dd} ({d.DayOfWeek})"));
        // A holiday on a Saturday is also held the Friday before; on a Sunday, the Monday after (Executive Order 11582).
        foreach (var d in days.Where(d => d.DayOfWeek == DayOfWeek.Saturday)) Assert.True(Holiday(d.AddDays(-1)), $"observed {d.AddDays(-1):yyyy-MM-dd}");
        foreach (var d in days.Where(d => d.DayOfWeek == DayOfWeek.Sunday)) Assert.True(Holiday(d.AddDays(1)), $"observed {d.AddDays(1):yyyy-MM-dd}");
        // And an ordinary day is not one.
        Assert.False(Holiday(new DateOnly(year, 3, 10)));
    }
}
