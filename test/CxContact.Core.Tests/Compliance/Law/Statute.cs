using System.Globalization;
using CxContact.Core.Compliance;
using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Compliance.Law;

/// <summary>
/// One jurisdiction's calling hours for one kind of call, typed from the statute's text (not read from the rule set),
/// and the rows that check the shipped rules against it: a minute before and after every edge of every day type, both
/// days the clocks change, the jurisdiction's holidays in three years, and a contact whose address is elsewhere but
/// whose area code is here. Windows are the hours a call is lawful under every law that reaches it there (the state's
/// and the national one), in the called party's local time. "closed" means no call that day.
/// </summary>
internal sealed record Statute(
    string Jurisdiction, string Zone, string AreaCode, string Section, CallPurpose Purpose, DialingMode Mode,
    string Weekdays, string? Saturday = null, string? Sunday = null)
{
    /// <summary>Dates on which the law closes the day, with the section that makes each one a holiday.</summary>
    public IReadOnlyList<(string Date, string Section)> Holidays { get; init; } = [];

    /// <summary>The rule id prefix of this jurisdiction's own rules ("us-ri-").</summary>
    public string Prefix => Jurisdiction.ToLowerInvariant() + "-";

    public string Country => Jurisdiction.Split('-')[0];
    public string? Region => Jurisdiction.Contains('-') ? Jurisdiction.Split('-')[1] : null;

    /// <summary>Dates of each day type: a Tuesday, a Saturday, a Sunday, and the two days the clocks change.</summary>
    private (string Weekday, string Saturday, string Sunday, string[] ClockChanges) Days => Country switch
    {
        "GB" => ("2026-06-16", "2026-06-20", "2026-06-21", ["2026-03-29", "2026-10-25"]),
        _ => ("2026-06-16", "2026-06-20", "2026-06-21", ["2026-03-08", "2026-11-01"]),
    };

    public static readonly ComplianceEvaluator Shipped = new(RuleSets.Default);

    /// <summary>A row: a local time, whether the law allows the call then, and why (the section).</summary>
    public sealed record Row(string Local, bool Allowed, string Why, string? Address = null, bool ByAreaCode = false);

    public IEnumerable<Row> Rows()
    {
        var (weekday, saturday, sunday, changes) = Days;
        foreach (var row in Edges(weekday, Weekdays, "Monday to Friday")) yield return row;
        foreach (var row in Edges(saturday, Saturday ?? Weekdays, "Saturday")) yield return row;
        foreach (var row in Edges(sunday, Sunday ?? Weekdays, "Sunday")) yield return row;
        foreach (var day in changes)
            foreach (var row in Edges(day, Sunday ?? Weekdays, "the day the clocks change")) yield return row;
        foreach (var (date, section) in Holidays)
            yield return new Row($"{date} 12:00", false, $"{date} is a holiday ({section})");
        // Living elsewhere does not take a number out of its area code's jurisdiction.
        if (Region is not null && Window(Weekdays) is { } w)
        {
            var elsewhere = Region == "NY" ? "TX" : "NY";
            yield return new Row($"{weekday} {Clock(w.End - TimeSpan.FromMinutes(1))}", true, $"{Section}, by area code {AreaCode}", elsewhere, true);
            yield return new Row($"{weekday} {Clock(w.End)}", false, $"{Section}, by area code {AreaCode}", elsewhere, true);
        }
    }

    private IEnumerable<Row> Edges(string date, string window, string day)
    {
        if (Window(window) is not { } w)
        {
            foreach (var t in (string[])["09:00", "12:00", "18:00"]) yield return new Row($"{date} {t}", false, $"{Section}: no calls on {day}");
            yield break;
        }
        var minute = TimeSpan.FromMinutes(1);
        if (w.Start > TimeSpan.Zero) yield return new Row($"{date} {Clock(w.Start - minute)}", false, $"{Section}: {day} opens {Clock(w.Start)}");
        yield return new Row($"{date} {Clock(w.Start)}", true, $"{Section}: {day} opens {Clock(w.Start)}");
        yield return new Row($"{date} {Clock(w.End - minute)}", true, $"{Section}: {day} closes {Clock(w.End)}");
        if (w.End < TimeSpan.FromHours(24)) yield return new Row($"{date} {Clock(w.End)}", false, $"{Section}: {day} closes {Clock(w.End)}");
    }

    /// <summary>Decides a row with the shipped rules, as a call of this kind to this jurisdiction's number.</summary>
    public Decision Decide(Row row) => Shipped.Evaluate(new ComplianceInput
    {
        At = Inputs.Local(row.Local, Zone),
        Channel = Channel.Voice,
        DialingMode = Mode,
        Purpose = Purpose,
        Country = Country,
        Region = row.ByAreaCode ? row.Address : Region,
        PhoneRegion = Region,
        AreaCode = AreaCode,
        TimeZones = [Zone],
        DeviceType = DeviceType.Landline,
        // Consent is what these rows are not about: hours are.
        AutodialMobileConsent = true, WrittenSalesConsent = true, AutomatedConsent = true,
    });

    private static (TimeSpan Start, TimeSpan End)? Window(string w)
    {
        if (w == "closed") return null;
        var parts = w.Split('-');
        return (TimeSpan.Parse(parts[0], CultureInfo.InvariantCulture), parts[1] == "24:00" ? TimeSpan.FromHours(24) : TimeSpan.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static string Clock(TimeSpan t) => t.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Jurisdiction} {Purpose} {Mode}";
}
