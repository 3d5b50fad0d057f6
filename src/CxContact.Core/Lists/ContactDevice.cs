using CxContact.Core.Phones;

namespace CxContact.Core.Lists;

/// <summary>One dialable phone of a record. Slot is the phoneN column it came from; Zones are every candidate zone.</summary>
public sealed record ContactDevice(int Slot, string E164, DeviceType Type, IReadOnlyList<string> Zones, int? AreaCode, string? Region);
