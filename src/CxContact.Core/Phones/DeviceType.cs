namespace CxContact.Core.Phones;

/// <summary>What kind of line a number reaches. Stored as its wire name (see <see cref="DeviceTypes"/>).</summary>
public enum DeviceType
{
    /// <summary>Not known: most NANP numbers, because mobile and fixed lines share number ranges there.</summary>
    Unknown = 0,
    Mobile = 1,
    Landline = 2,
    Voip = 3,
    TollFree = 4,
}
