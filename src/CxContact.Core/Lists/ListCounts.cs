namespace CxContact.Core.Lists;

/// <summary>
/// Counts refreshed after every import: records, dialable devices, devices kept as invalid (a phone or email the
/// file gave that cannot be used), and dialable devices by time zone and by device type.
/// </summary>
[GenerateSerializer, Alias("cxc.ListCounts")]
public sealed record ListCounts(
    [property: Id(0)] long Records,
    [property: Id(1)] long Devices,
    [property: Id(2)] long Invalid,
    [property: Id(3)] IReadOnlyDictionary<string, long> ByTimeZone,
    [property: Id(4)] IReadOnlyDictionary<string, long> ByDeviceType)
{
    /// <summary>
    /// A new empty instance each time: grain states start from it, and one shared instance (its dictionaries
    /// mutable) is exactly what a deserializer that fills objects in place turns into state shared by every list.
    /// </summary>
    public static ListCounts Empty => new(0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, long>());
}
