namespace CxContact.Core.Compliance;

/// <summary>A text read for a jurisdiction: the section, where it is, and whether that is the primary text.</summary>
[GenerateSerializer, Immutable, Alias("cxc.LegalSource")]
public sealed record LegalSource(
    [property: Id(0)] string Citation,
    [property: Id(1)] string? Url,
    [property: Id(2)] bool Primary);
