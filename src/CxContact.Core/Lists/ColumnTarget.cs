using CxContact.Core.Phones;

namespace CxContact.Core.Lists;

/// <summary>What one file column feeds, resolved against the header.</summary>
public sealed record ColumnTarget(int Index, string Header, string Field, int PhoneSlot, int EmailSlot,
    string? CustomName, CustomFieldType CustomType, DeviceType DeviceHint);
