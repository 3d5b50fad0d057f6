namespace CxContact.Core.Compliance;

/// <summary>
/// Allow or deny, every rule that denied, and the earliest instant at which the same attempt would be allowed
/// (null when no wait helps, e.g. missing consent). Immutable: a decision is never changed once made (callers copy it
/// with `with`), so grain calls on one silo pass it without a deep copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("cxc.Decision")]
public sealed record Decision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] IReadOnlyList<DecisionReason> Reasons,
    [property: Id(2)] DateTimeOffset? NextAllowedAt,
    [property: Id(3)] IReadOnlyList<string> TimeZones,
    [property: Id(4)] string RuleSetVersion)
{
    /// <summary>Every jurisdiction whose rules were applied, and why it applied ("US-FL (area code 305)").</summary>
    [Id(5)] public IReadOnlyList<string> Jurisdictions { get; init; } = [];
}
