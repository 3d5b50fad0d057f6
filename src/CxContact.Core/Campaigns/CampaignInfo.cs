namespace CxContact.Core.Campaigns;

/// <summary>A campaign as the API shows it.</summary>
[GenerateSerializer, Alias("cxc.CampaignInfo")]
public sealed record CampaignInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] CampaignState State,
    [property: Id(3)] CampaignDefinition Definition,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset StateChangedAt,
    [property: Id(6)] PreloadSummary? LastPreload,
    [property: Id(7)] string? StateReason);
