namespace CxContact.Core.Lists;

/// <summary>What a user sets on a list. SpecJson is the saved import spec as JSON (validated at the edge).</summary>
[GenerateSerializer, Alias("cxc.ContactListDefinition")]
public sealed record ContactListDefinition(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string? DefaultCountry,
    [property: Id(3)] string? DefaultTimeZone,
    [property: Id(4)] string? SpecJson);
