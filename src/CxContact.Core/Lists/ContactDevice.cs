using CxContact.Core.Phones;

namespace CxContact.Core.Lists;

/// <summary>
/// One dialable phone of a record. Slot is the phoneN column it came from; Zones are every candidate zone (resolved
/// by <see cref="Geography.LocationPrecedence"/>). Country, Region and AreaCode are the number's own facts (its
/// country, its area code's state or province, its NANP area code), stored at import so nothing guesses them later.
/// </summary>
public sealed record ContactDevice(int Slot, string E164, DeviceType Type, IReadOnlyList<string> Zones, int? AreaCode, string? Region, string Country);
