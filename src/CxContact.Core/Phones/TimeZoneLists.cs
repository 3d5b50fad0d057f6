using System.Collections.Concurrent;
using System.Collections.ObjectModel;

namespace CxContact.Core.Phones;

/// <summary>
/// Turns libphonenumber's zone answers into the read-only lists that <see cref="PhoneInfo.TimeZones"/> exposes.
/// </summary>
internal static class TimeZoneLists
{
    public const string UnknownZone = "Etc/Unknown";

    public static IReadOnlyList<string> Empty { get; } = ReadOnlyCollection<string>.Empty;

    private static readonly ConcurrentDictionary<string, bool> Resolvable = new(StringComparer.Ordinal);

    // A few hundred distinct lists cover every number; sharing one instance per list keeps a cache of
    // 100,000s of prefixes small and lets PhoneInfo equality short-circuit on reference.
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> Interned = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> From(IReadOnlyList<string> zones)
    {
        var kept = new List<string>(zones.Count);
        foreach (var zone in zones)
        {
            // Consumers turn these into TimeZoneInfo; an id this machine cannot resolve would fail there, far from
            // the import that could report it. libphonenumber 9.0.43's 285 zone ids all resolve with ICU on Linux.
            if (zone != UnknownZone && Resolvable.GetOrAdd(zone, static id => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)))
                kept.Add(zone);
        }
        if (kept.Count == 0)
            return Empty;
        return Interned.GetOrAdd(string.Join('|', kept), static (_, list) => list.AsReadOnly(), kept);
    }
}
