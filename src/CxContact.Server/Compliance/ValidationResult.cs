using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>The API's answer: allow or deny, every rule that denied and why, and when it would next be allowed.</summary>
public sealed record ValidationResult(string Decision, IReadOnlyList<DecisionReason> Reasons, DateTimeOffset? NextAllowedAt,
    IReadOnlyList<string> TimeZones, string RuleSetVersion, IReadOnlyList<string> Jurisdictions)
{
    public static ValidationResult From(Decision d) =>
        new(d.Allowed ? "allow" : "deny", d.Reasons, d.NextAllowedAt?.ToUniversalTime(), d.TimeZones, d.RuleSetVersion, d.Jurisdictions); // UTC at the API, like every instant
}
