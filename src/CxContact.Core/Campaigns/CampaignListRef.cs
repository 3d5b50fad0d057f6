namespace CxContact.Core.Campaigns;

/// <summary>A contact list in a campaign group; records are drawn from lists in proportion to their weights.</summary>
[GenerateSerializer, Alias("cxc.CampaignListRef")]
public sealed record CampaignListRef([property: Id(0)] Guid Id, [property: Id(1)] int Weight);
