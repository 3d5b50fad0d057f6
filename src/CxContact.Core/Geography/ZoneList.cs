namespace CxContact.Core.Geography;

/// <summary>
/// A device's candidate zones as PostgreSQL keeps them (contact_records.phone_zones elements, calling_list.zones):
/// IANA names joined by one space, the first being the zone the calling list's tz_dbid shows.
/// </summary>
public static class ZoneList
{
    public static string Join(IReadOnlyList<string> zones) => zones.Count == 1 ? zones[0] : string.Join(' ', zones);

    public static string[] Split(string? zones) => zones?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
