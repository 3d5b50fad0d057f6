namespace CxContact.Core.Compliance;

/// <summary>
/// A jurisdiction the rule set has been checked for (a country, or a country's state, province or nation), whether or
/// not it has rules of its own: "adds nothing to the federal rules" is a decision, with the sources read to make it.
/// </summary>
[GenerateSerializer, Immutable, Alias("cxc.Jurisdiction")]
public sealed record Jurisdiction
{
    /// <summary>"US", "US-RI", "CA-BC", "GB".</summary>
    [Id(0)] public required string Code { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Summary { get; init; }
    [Id(3)] public bool AddsNothing { get; init; }
    [Id(4)] public required DateOnly Checked { get; init; }
    [Id(5)] public IReadOnlyList<LegalSource> Sources { get; init; } = [];
    /// <summary>Provisions read but not expressed as rules (registration, disclosures, ring limits...), in plain words.</summary>
    [Id(6)] public IReadOnlyList<string> NotModelled { get; init; } = [];
}
