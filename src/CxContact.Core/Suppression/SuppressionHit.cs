namespace CxContact.Core.Suppression;

/// <summary>Why a lookup is suppressed: the first list (in the order asked) that holds a matching, active entry.</summary>
[GenerateSerializer, Alias("cxc.SuppressionHit")]
public sealed record SuppressionHit(
    [property: Id(0)] Guid ListId,
    [property: Id(1)] string Type,
    [property: Id(2)] string Value);
