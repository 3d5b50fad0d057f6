namespace CxContact.Core.Geography;

/// <summary>
/// Where a postal code is: ISO country, region code (US state "CA", Canadian province "ON"), candidate IANA zones
/// (1 or more). A place whose postal code spans zones lists each of them; a call is allowed only when every
/// candidate zone allows it. US territories are reported as country "US" with their USPS code as region ("PR").
/// </summary>
/// <remarks>
/// <see cref="PostalCodes.Lookup"/> hands out shared instances, so <see cref="TimeZones"/> is read-only. Equality
/// compares the zones' contents, not the list's identity.
/// </remarks>
public sealed record PostalLocation(string Country, string Region, IReadOnlyList<string> TimeZones)
{
    public bool Equals(PostalLocation? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Country == other.Country && Region == other.Region && TimeZones.SequenceEqual(other.TimeZones)));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Country);
        hash.Add(Region);
        foreach (var zone in TimeZones)
        {
            hash.Add(zone);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => $"{Country}-{Region} [{string.Join(", ", TimeZones)}]";
}
