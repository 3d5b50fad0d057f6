using CxContact.Core.Compliance;

namespace CxContact.Core.Tests.Compliance;

/// <summary>
/// A small rule set of the engine tests' own, so that tests of how the engine decides (edges, zones, next allowed
/// times, counting, consent) do not move when the shipped rules are corrected. What the shipped rules say about each
/// jurisdiction is tested from the law in the Law folder.
/// </summary>
internal static class EngineRules
{
    public static RuleSet Set { get; } = RuleSets.Parse("""
        {
          "id": "engine-tests", "version": 1, "name": "Rules for engine tests",
          "callingWindows": [
            { "id": "us-federal-hours", "citation": "test", "effectiveFrom": "1992-12-20", "country": "US", "weekdays": ["08:00-21:00"] },
            { "id": "us-fl-hours", "citation": "test", "effectiveFrom": "2021-07-01", "jurisdiction": "US-FL", "weekdays": ["08:00-20:00"] },
            { "id": "us-ky-hours", "citation": "test", "effectiveFrom": "2002-07-15", "jurisdiction": "US-KY", "weekdays": ["10:00-21:00"] },
            { "id": "ca-crtc-hours", "citation": "test", "effectiveFrom": "2008-09-30", "country": "CA",
              "weekdays": ["09:00-21:30"], "saturday": ["10:00-18:00"], "sunday": ["10:00-18:00"] }
          ],
          "attemptLimits": [
            { "id": "us-fl-3-per-24h", "citation": "test", "effectiveFrom": "2021-07-01", "jurisdiction": "US-FL", "max": 3, "window": "PT24H", "per": "phone" },
            { "id": "us-reg-f-7-in-7", "citation": "test", "effectiveFrom": "2021-11-30", "enabled": false, "country": "US", "channels": ["voice"],
              "max": 7, "window": "P7D", "per": "contact" }
          ],
          "minimumGaps": [
            { "id": "gb-abandoned-72h", "citation": "test", "effectiveFrom": "2006-03-01", "country": "GB", "channels": ["voice"],
              "afterResults": ["abandoned"], "gap": "PT72H", "per": "phone", "dialingModes": ["predictive", "power", "agentless"] }
          ],
          "deviceRules": [
            { "id": "us-autodial-mobile-consent", "citation": "test", "effectiveFrom": "1992-12-20", "country": "US", "channels": ["voice"],
              "deviceType": "mobile", "dialingModes": ["predictive", "power", "agentless"], "requiresConsent": "autodialMobile" }
          ]
        }
        """);

    public static ComplianceEvaluator Evaluator { get; } = new(Set);
}
