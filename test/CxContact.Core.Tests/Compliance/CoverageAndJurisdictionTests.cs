using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using static CxContact.Core.Tests.Compliance.Inputs;

namespace CxContact.Core.Tests.Compliance;

/// <summary>
/// What the engine can express beyond hours: rules that cover only some calls, every jurisdiction a contact can be in,
/// counting per person across numbers, and consent scoped by device and call type.
/// </summary>
public sealed class CoverageAndJurisdictionTests
{
    private static ComplianceEvaluator Evaluator(string json) => new(RuleSets.Parse($$"""{"id":"t","version":1,"name":"t",{{json}}}"""));

    private static readonly ComplianceEvaluator SalesOnly = Evaluator("""
        "callingWindows": [{ "id": "x-sales", "citation": "t", "effectiveFrom": "2020-01-01", "jurisdiction": "US-WA",
          "covers": { "purposes": ["sales"] }, "weekdays": ["08:00-20:00"] }]
        """);

    [Fact]
    public void A_rule_covering_sales_calls_leaves_other_calls_alone_and_an_unknown_purpose_is_covered()
    {
        var late = Voice("2026-06-09T20:30:00-07:00", "US", "WA", "America/Los_Angeles");
        Assert.True(SalesOnly.Evaluate(late with { Purpose = CallPurpose.Informational }).Allowed);
        Assert.False(SalesOnly.Evaluate(late with { Purpose = CallPurpose.Sales }).Allowed);
        Assert.False(SalesOnly.Evaluate(late with { Purpose = null }).Allowed);
    }

    [Fact]
    public void A_rule_for_automated_calls_follows_the_dialing_mode()
    {
        var e = Evaluator("""
            "callingWindows": [{ "id": "x-auto", "citation": "t", "effectiveFrom": "2020-01-01", "jurisdiction": "US-ME",
              "covers": { "modes": ["automated"] }, "weekdays": "closed" }]
            """);
        var noon = Voice("2026-06-09T12:00:00-04:00", region: "ME");
        Assert.True(e.Evaluate(noon with { DialingMode = DialingMode.Preview }).Allowed);
        Assert.False(e.Evaluate(noon with { DialingMode = DialingMode.Predictive }).Allowed);
        Assert.False(e.Evaluate(noon with { DialingMode = null }).Allowed);
    }

    [Fact]
    public void The_area_codes_state_applies_beside_the_address_state_and_the_explanation_says_why()
    {
        // A New York address, a Florida (305) number: Florida's 20:00 end applies too.
        var d = Evaluator("""
            "callingWindows": [{ "id": "x-fl", "citation": "t", "effectiveFrom": "2020-01-01", "jurisdiction": "US-FL", "weekdays": ["08:00-20:00"] }]
            """).Evaluate(Voice("2026-06-09T20:30:00-04:00", region: "NY") with { PhoneRegion = "FL", AreaCode = "305" });
        Assert.False(d.Allowed);
        Assert.Contains("US-FL (area code 305)", d.Reasons[0].Detail);
        Assert.Equal(["US", "US-NY (address)", "US-FL (area code 305)"], d.Jurisdictions);
    }

    [Fact]
    public void A_person_is_counted_across_all_of_their_numbers_once_per_attempt()
    {
        var e = Evaluator("""
            "attemptLimits": [{ "id": "x-3", "citation": "t", "effectiveFrom": "2020-01-01", "jurisdiction": "US-FL",
              "max": 3, "window": "PT24H", "per": ["person", "phone"] }]
            """);
        // Three attempts to one person on two numbers; the contact and client id windows both hold the same two.
        AttemptRecord A(string at, string id) => new(At(at), "no-answer", null, id);
        var byContact = new[] { A("2026-06-09T09:00:00-04:00", "a"), A("2026-06-09T10:00:00-04:00", "b"), A("2026-06-09T11:00:00-04:00", "c") };
        var byClient = new[] { A("2026-06-09T10:00:00-04:00", "b"), A("2026-06-09T11:00:00-04:00", "c") };
        var fourth = Voice("2026-06-09T12:00:00-04:00", region: "FL") with { ContactAttempts = byContact, ClientIdAttempts = byClient, PhoneAttempts = [byContact[0]] };
        var d = e.Evaluate(fourth);
        Assert.False(d.Allowed);
        Assert.Contains("3 attempts to this person (across their numbers)", d.Reasons[0].Detail);
        Assert.True(e.Evaluate(fourth with { ContactAttempts = byContact[..2], ClientIdAttempts = byClient[..1] }).Allowed);
    }

    [Fact]
    public void Written_consent_for_automated_sales_calls_to_any_device()
    {
        var e = Evaluator("""
            "deviceRules": [{ "id": "x-consent", "citation": "t", "effectiveFrom": "2020-01-01", "jurisdiction": "US-FL",
              "covers": { "purposes": ["sales"], "modes": ["automated"] }, "deviceType": "any",
              "dialingModes": ["progressive", "predictive", "power", "agentless"], "requiresConsent": "writtenSales" }]
            """);
        var call = Voice("2026-06-09T12:00:00-04:00", region: "FL") with { DeviceType = DeviceType.Landline, DialingMode = DialingMode.Predictive, Purpose = CallPurpose.Sales };
        Assert.False(e.Evaluate(call).Allowed);
        Assert.True(e.Evaluate(call with { WrittenSalesConsent = true }).Allowed);
        Assert.True(e.Evaluate(call with { Purpose = CallPurpose.DebtCollection }).Allowed);
        Assert.True(e.Evaluate(call with { DialingMode = DialingMode.Preview }).Allowed);
    }

    [Fact]
    public void A_disabled_gap_does_nothing_until_switched_on()
    {
        const string gap = """
            "minimumGaps": [{ "id": "x-conv", "citation": "t", "effectiveFrom": "2020-01-01", "jurisdiction": "US", "enabled": ENABLED,
              "afterResults": ["answered"], "gap": "P7D", "per": "contact" }]
            """;
        var call = Voice("2026-06-09T12:00:00-04:00") with { ContactAttempts = [new AttemptRecord(At("2026-06-05T12:00:00-04:00"), "answered")] };
        Assert.True(Evaluator(gap.Replace("ENABLED", "false")).Evaluate(call).Allowed);
        var d = Evaluator(gap.Replace("ENABLED", "true")).Evaluate(call);
        Assert.False(d.Allowed);
        Assert.Equal(At("2026-06-12T12:00:00-04:00"), d.NextAllowedAt);
    }

    [Theory]
    [InlineData("""{"callingWindows":[{"id":"a","citation":"t","effectiveFrom":"2020-01-01","jurisdiction":"US-XX","weekdays":["08:00-21:00"]}]}""", "callingWindows[0].region")]
    [InlineData("""{"callingWindows":[{"id":"a","citation":"t","effectiveFrom":"2020-01-01","country":"US","weekdays":["21:00-08:00"]}]}""", "callingWindows[0].weekdays[0]")]
    [InlineData("""{"callingWindows":[{"id":"a","citation":"t","effectiveFrom":"2020-01-01","country":"US","weekdays":["08:00-12:00","11:00-21:00"]}]}""", "callingWindows[0].weekdays[1]")]
    [InlineData("""{"holidays":[{"id":"h","citation":"t","holidays":[{"name":"x","month":2,"day":30}]}]}""", "holidays[0].holidays[0]")]
    [InlineData("""{"holidays":[{"id":"h","citation":"t","includes":["h"]}]}""", "holidays[0].includes")]
    [InlineData("""{"attemptLimits":[{"id":"a","citation":"t","effectiveFrom":"2020-01-01","covers":{"purposes":["fundraising"]},"max":1,"window":"P1D"}]}""", "attemptLimits[0].covers.purposes[0]")]
    [InlineData("""{"minimumGaps":[{"id":"a","citation":"t","effectiveFrom":"2020-01-01","afterResults":[],"gap":"P1D"}]}""", "minimumGaps[0].afterResults")]
    public void A_bad_rule_set_names_the_path(string body, string path)
    {
        var json = body.Insert(1, "\"id\":\"t\",\"version\":1,\"name\":\"t\",");
        Dictionary<string, string[]> errors;
        try { errors = RuleSets.Validate(RuleSets.Parse(json)); }
        catch (RuleSetException e) { errors = e.ToErrors(); }
        Assert.True(errors.ContainsKey(path), $"expected {path}, got {string.Join(", ", errors.Keys)}");
    }
}
