namespace CxContact.Core.Suppression;

/// <summary>What a caller gives to create or change a list; on update, null members stay as they are.</summary>
[GenerateSerializer, Alias("cxc.SuppressionListDefinition")]
public sealed record SuppressionListDefinition(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string? Scope,
    [property: Id(3)] IReadOnlyList<Guid>? CampaignIds);
