namespace CxContact.Core.Compliance;

/// <summary>Why a rule denied: its id and a sentence a supervisor can read.</summary>
[GenerateSerializer, Immutable, Alias("cxc.DecisionReason")]
public sealed record DecisionReason(
    [property: Id(0)] string Rule,
    [property: Id(1)] string Detail);
