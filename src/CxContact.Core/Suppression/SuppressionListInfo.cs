namespace CxContact.Core.Suppression;

/// <summary>A suppression list as the API shows it.</summary>
[GenerateSerializer, Alias("cxc.SuppressionListInfo")]
public sealed record SuppressionListInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Description,
    [property: Id(4)] string Scope,
    [property: Id(5)] IReadOnlyList<Guid> CampaignIds,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] long EntryCount,
    [property: Id(8)] long IndexVersion,
    [property: Id(9)] long? RebuildingTo);
