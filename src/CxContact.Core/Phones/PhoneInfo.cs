using System.Text;

namespace CxContact.Core.Phones;

/// <summary>A valid, dialable number.</summary>
/// <param name="E164">The number in E.164 form, e.g. "+14155552671". Extensions are not kept.</param>
/// <param name="DeviceType">From the numbering plan, or from the import's hint where the plan cannot tell.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code of the country the number belongs to, e.g. "US", "CA", "JM", "GB".</param>
/// <param name="Region">ISO 3166-2 subdivision code ("CA", "ON", "PR") for NANP numbers when the number's area gives one; otherwise null.</param>
/// <param name="TimeZones">Candidate IANA zones, all resolvable by <see cref="TimeZoneInfo.FindSystemTimeZoneById"/>; empty when unknown.</param>
/// <param name="AreaCode">The NANP area code (NPA) for +1 numbers; otherwise null.</param>
public sealed record PhoneInfo(string E164, DeviceType DeviceType, string Country, string? Region, IReadOnlyList<string> TimeZones, int? AreaCode)
{
    // Records compare members with their default equality, which for a list is by reference; two results
    // describing the same number must be equal however the zone list was built.
    public bool Equals(PhoneInfo? other) =>
        other is not null
        && E164 == other.E164
        && DeviceType == other.DeviceType
        && Country == other.Country
        && Region == other.Region
        && AreaCode == other.AreaCode
        && (ReferenceEquals(TimeZones, other.TimeZones) || TimeZones.SequenceEqual(other.TimeZones));

    public override int GetHashCode() => HashCode.Combine(E164, DeviceType, Country, Region, AreaCode, TimeZones.Count);

    // The generated ToString would print the list's type name, which is useless in logs and test failures.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"E164 = {E164}, DeviceType = {DeviceType.ToWire()}, Country = {Country}, Region = {Region}, ");
        builder.Append($"TimeZones = [{string.Join(", ", TimeZones)}], AreaCode = {AreaCode}");
        return true;
    }
}
