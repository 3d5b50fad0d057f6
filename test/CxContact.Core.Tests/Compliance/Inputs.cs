using CxContact.Core.Compliance;
using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Compliance;

/// <summary>Builds inputs with literal offsets, so the tests state the UTC instant independently of the evaluator's zone code.</summary>
internal static class Inputs
{
    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static ComplianceInput Voice(string at, string country = "US", string? region = null, params string[] zones) => new()
    {
        At = At(at),
        Channel = Channel.Voice,
        DialingMode = DialingMode.Preview,
        // A live sales call, the case most of these tests are about; tests of other calls say so.
        Purpose = CallPurpose.Sales,
        Country = country,
        Region = region,
        TimeZones = zones.Length == 0 ? ["America/New_York"] : zones,
        DeviceType = DeviceType.Landline,
    };

    public static AttemptRecord[] Attempts(params string[] ats) => ats.Select(a => new AttemptRecord(At(a), "no-answer")).ToArray();

    public static string Rules(this Decision d) => string.Join(",", d.Reasons.Select(r => r.Rule).Order(StringComparer.Ordinal));

    /// <summary>A local wall-clock time in a zone, as an instant: "2026-06-09 08:59" in "America/New_York".</summary>
    public static DateTimeOffset Local(string local, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var wall = DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return new DateTimeOffset(wall, tz.GetUtcOffset(wall));
    }
}
