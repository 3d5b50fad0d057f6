using System.Collections.Concurrent;
using CxContact.Core.Tenancy;

namespace CxContact.Core.Compliance;

/// <summary>IANA zone lookups and the local-to-UTC conversions that must be right on clock-change days.</summary>
internal static class ZoneClock
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Cache = new(StringComparer.Ordinal);

    public static TimeZoneInfo? Find(string id) => Cache.GetOrAdd(id, static z =>
        TenantSettingsRules.IsIanaZone(z) && TimeZoneInfo.TryFindSystemTimeZoneById(z, out var tz) ? tz : null);

    public static DateOnly LocalDate(DateTimeOffset at, TimeZoneInfo tz) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, tz).DateTime);

    /// <summary>
    /// The instants at which the local clock in <paramref name="tz"/> first shows <paramref name="time"/> on
    /// <paramref name="date"/>. A time skipped by spring-forward becomes the first instant after the gap (the
    /// window is open from there); a time repeated by fall-back gives both instants.
    /// </summary>
    public static IEnumerable<DateTimeOffset> Instants(DateOnly date, TimeSpan time, TimeZoneInfo tz)
    {
        var local = date.ToDateTime(TimeOnly.MinValue) + time;
        for (var guard = 0; tz.IsInvalidTime(local) && guard < 24 * 60; guard++)
            local = local.AddMinutes(1);
        if (tz.IsAmbiguousTime(local))
        {
            foreach (var offset in tz.GetAmbiguousTimeOffsets(local))
                yield return new DateTimeOffset(local, offset);
        }
        else
        {
            yield return new DateTimeOffset(local, tz.GetUtcOffset(local));
        }
    }
}
