namespace CxContact.Core.Compliance;

/// <summary>The dates holiday rules give in a year.</summary>
public static class HolidayDates
{
    /// <summary>
    /// The holiday's own date in <paramref name="year"/> (null when it is not held that year), and the weekday it is
    /// observed on when that differs.
    /// </summary>
    public static (DateOnly Date, DateOnly? Observed)? In(HolidayRule h, int year, ObservedPolicy calendarPolicy)
    {
        if (h.FirstYear is { } first && year < first) return null;
        if (h.LastYear is { } last && year > last) return null;
        if (h.Years == "even" && year % 2 != 0) return null;
        if (h.Years == "odd" && year % 2 == 0) return null;
        var date = DateOf(h, year);
        if (date is not { } d) return null;
        var observed = Observe(d, h.Observed ?? calendarPolicy);
        return (d, observed == d ? null : observed);
    }

    /// <summary>Why the rule gives no date, or null when it is well formed (checked when a rule set is saved).</summary>
    public static string? Problem(HolidayRule h)
    {
        var shapes = (h.Day is not null ? 1 : 0) + (h.Nth is not null ? 1 : 0) + (h.OnOrAfter is not null ? 1 : 0) + (h.Easter is not null ? 1 : 0);
        if (shapes != 1) return "give exactly one of: day (with month), nth (with month and weekday), onOrAfter (with month and weekday), easter";
        if (h.Easter is { } e) return e is < -70 or > 70 || h.Month is not null || h.Weekday is not null ? "easter is a number of days from Easter Sunday (-70 to 70), alone" : null;
        if (h.Month is not { } m || m is < 1 or > 12) return "month must be 1 to 12";
        if (h.Day is { } day)
            return h.Weekday is not null ? "a fixed date takes no weekday"
                : day < 1 || day > DateTime.DaysInMonth(2024, m) ? $"day {day} does not exist in month {m}" : null; // 2024: leap, so February 29 is possible
        if (h.Weekday is null) return "nth and onOrAfter need a weekday";
        if (h.Nth is { } n && n is not (>= 1 and <= 4 or -1)) return "nth must be 1 to 4, or -1 for the last (a fifth weekday does not come every year)";
        if (h.OnOrAfter is { } o && (o < 1 || o > DateTime.DaysInMonth(2024, m))) return $"onOrAfter {o} is not a day of month {m}";
        if (h.Years is not (null or "even" or "odd")) return "years must be \"even\" or \"odd\"";
        if (h.FirstYear > h.LastYear) return "firstYear is after lastYear";
        return null;
    }

    private static DateOnly? DateOf(HolidayRule h, int year)
    {
        if (h.Easter is { } offset) return EasterSunday(year).AddDays(offset);
        var month = h.Month!.Value;
        if (h.Day is { } day) return day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null; // February 29
        var weekday = h.Weekday!.Value;
        if (h.Nth == -1)
        {
            var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
            return last.AddDays(-(((int)last.DayOfWeek - (int)weekday + 7) % 7));
        }
        var from = new DateOnly(year, month, h.OnOrAfter ?? (h.Nth!.Value - 1) * 7 + 1);
        return from.AddDays(((int)weekday - (int)from.DayOfWeek + 7) % 7);
    }

    private static DateOnly Observe(DateOnly d, ObservedPolicy policy) => (policy, d.DayOfWeek) switch
    {
        (ObservedPolicy.SundayToMonday, DayOfWeek.Sunday) => d.AddDays(1),
        (ObservedPolicy.WeekendToNearestWeekday, DayOfWeek.Saturday) => d.AddDays(-1),
        (ObservedPolicy.WeekendToNearestWeekday, DayOfWeek.Sunday) => d.AddDays(1),
        (ObservedPolicy.WeekendToMonday, DayOfWeek.Saturday) => d.AddDays(2),
        (ObservedPolicy.WeekendToMonday, DayOfWeek.Sunday) => d.AddDays(1),
        _ => d,
    };

    /// <summary>Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus, Jones, Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>
    /// Every day of a calendar (with the calendars it includes) that falls in <paramref name="year"/>: each holiday's
    /// own date and its observed day, from the year before to the year after, so that an observed day crossing New
    /// Year is not missed.
    /// </summary>
    public static HashSet<DateOnly> DaysIn(string calendarId, int year, IReadOnlyDictionary<string, HolidayCalendar> calendars)
    {
        var days = new HashSet<DateOnly>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string id)
        {
            if (!seen.Add(id) || !calendars.TryGetValue(id, out var c)) return;
            foreach (var d in c.Dates) if (d.Year == year) days.Add(d);
            foreach (var h in c.Holidays)
                for (var y = year - 1; y <= year + 1; y++)
                    if (In(h, y, c.Observed) is { } hit)
                    {
                        if (hit.Date.Year == year) days.Add(hit.Date);
                        if (hit.Observed is { } o && o.Year == year) days.Add(o);
                    }
            foreach (var inner in c.Includes) Add(inner);
        }
        Add(calendarId);
        return days;
    }
}
