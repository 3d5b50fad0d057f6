namespace CxContact.Core.Campaigns;

/// <summary>One ordering key of a campaign: a standard or custom field, or attempts / imported_at.</summary>
[GenerateSerializer, Alias("cxc.SortField")]
public sealed record SortField([property: Id(0)] string Field, [property: Id(1)] bool Descending);
