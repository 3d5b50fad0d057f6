using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using static CxContact.Core.Tests.Compliance.Inputs;

namespace CxContact.Core.Tests.Compliance;

public sealed class AttemptAndDeviceRuleTests
{
    private static readonly ComplianceEvaluator Defaults = EngineRules.Evaluator;

    private static readonly AttemptRecord[] ThreeFloridaAttempts =
        Attempts("2026-06-09T09:00:00-04:00", "2026-06-09T10:00:00-04:00", "2026-06-09T11:00:00-04:00");

    [Fact]
    public void Florida_denies_the_fourth_attempt_in_24_hours_until_the_first_ages_out()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T12:00:00-04:00", region: "FL") with { PhoneAttempts = ThreeFloridaAttempts });

        Assert.False(d.Allowed);
        Assert.Equal("us-fl-3-per-24h", d.Rules());
        Assert.Contains("3 attempts to this phone in the 24 h", d.Reasons[0].Detail);
        Assert.Contains("another is allowed from 2026-06-10 13:00 UTC", d.Reasons[0].Detail);
        Assert.Equal(At("2026-06-10T09:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void The_florida_window_slides()
    {
        var justBefore = Defaults.Evaluate(Voice("2026-06-10T08:59:00-04:00", region: "FL") with { PhoneAttempts = ThreeFloridaAttempts });
        Assert.False(justBefore.Allowed);

        var exactly = Defaults.Evaluate(Voice("2026-06-10T09:00:00-04:00", region: "FL") with { PhoneAttempts = ThreeFloridaAttempts });
        Assert.True(exactly.Allowed);

        // After the 4th attempt at 09:00 the next frees up when the 10:00 attempt leaves the window.
        var four = ThreeFloridaAttempts.Append(new AttemptRecord(At("2026-06-10T09:00:00-04:00"), "answered")).ToArray();
        var after = Defaults.Evaluate(Voice("2026-06-10T09:30:00-04:00", region: "FL") with { PhoneAttempts = four });
        Assert.Equal(At("2026-06-10T10:00:00-04:00"), after.NextAllowedAt);
    }

    [Fact]
    public void Florida_counts_only_this_phone_and_only_applies_in_Florida()
    {
        Assert.True(Defaults.Evaluate(Voice("2026-06-09T12:00:00-04:00", region: "FL") with { ContactAttempts = ThreeFloridaAttempts }).Allowed);
        Assert.True(Defaults.Evaluate(Voice("2026-06-09T12:00:00-04:00", region: "GA") with { PhoneAttempts = ThreeFloridaAttempts }).Allowed);
    }

    [Fact]
    public void A_campaign_scoped_limit_counts_only_that_campaigns_attempts_and_every_attempt_without_a_campaign()
    {
        var rules = EngineRules.Set with
        {
            AttemptLimits = [.. EngineRules.Set.AttemptLimits.Select(r => r.Id == "us-fl-3-per-24h" ? r with { Scope = AttemptScope.Campaign } : r)],
        };
        var evaluator = new ComplianceEvaluator(rules);
        AttemptRecord[] attempts =
        [
            new(At("2026-06-09T09:00:00-04:00"), "no-answer", "renewals"),
            new(At("2026-06-09T10:00:00-04:00"), "no-answer", "renewals"),
            new(At("2026-06-09T11:00:00-04:00"), "no-answer", "winback"),
        ];
        var input = Voice("2026-06-09T12:00:00-04:00", region: "FL") with { PhoneAttempts = attempts };

        Assert.True(evaluator.Evaluate(input with { CampaignId = "winback" }).Allowed);
        Assert.True(evaluator.Evaluate(input with { CampaignId = "RENEWALS" }).Allowed);
        var third = evaluator.Evaluate(input with { CampaignId = "renewals", PhoneAttempts = [.. attempts, new(At("2026-06-09T11:30:00-04:00"), "busy", "renewals")] });
        Assert.False(third.Allowed);
        Assert.Contains("3 attempts to this phone in this campaign", third.Reasons[0].Detail);
        // Asked without a campaign, the limit cannot tell whose attempts they are and counts them all.
        Assert.False(evaluator.Evaluate(input).Allowed);
        // The shipped tenant-wide rule counts every campaign's attempts.
        Assert.False(Defaults.Evaluate(input with { CampaignId = "winback" }).Allowed);
    }

    [Fact]
    public void Next_allowed_is_the_later_of_the_window_start_and_the_age_out()
    {
        var attempts = Attempts("2026-06-09T08:30:00-04:00", "2026-06-09T09:00:00-04:00", "2026-06-09T10:00:00-04:00");
        var d = Defaults.Evaluate(Voice("2026-06-10T07:00:00-04:00", region: "FL") with { PhoneAttempts = attempts });

        Assert.Equal("us-federal-hours,us-fl-3-per-24h,us-fl-hours", d.Rules());
        Assert.Equal(At("2026-06-10T08:30:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void An_age_out_before_opening_time_waits_for_the_morning()
    {
        // Early attempts (e.g. placed while the contact was thought to be elsewhere) leave the window at 07:00-07:20.
        var attempts = Attempts("2026-06-09T07:00:00-04:00", "2026-06-09T07:10:00-04:00", "2026-06-09T07:20:00-04:00");
        var d = Defaults.Evaluate(Voice("2026-06-09T19:00:00-04:00", region: "FL") with { PhoneAttempts = attempts });

        Assert.Equal("us-fl-3-per-24h", d.Rules());
        Assert.Equal(At("2026-06-10T08:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void An_age_out_inside_opening_hours_is_exact()
    {
        var attempts = Attempts("2026-06-09T19:00:00-04:00", "2026-06-09T19:30:00-04:00", "2026-06-09T19:45:00-04:00",
            "2026-06-10T19:10:00-04:00", "2026-06-10T19:20:00-04:00", "2026-06-10T19:40:00-04:00");
        var d = Defaults.Evaluate(Voice("2026-06-10T19:50:00-04:00", region: "FL") with { PhoneAttempts = attempts });

        Assert.Equal(At("2026-06-11T19:10:00-04:00"), d.NextAllowedAt);
    }

    private static readonly string RegFOn = """
        { "id": "tenant-collections", "version": 3, "name": "Collections tenant",
          "attemptLimits": [ { "id": "us-reg-f-7-in-7", "citation": "12 CFR 1006.14(b)(2)", "effectiveFrom": "2021-11-30",
                               "enabled": true, "country": "US", "channels": ["voice"], "max": 7, "window": "P7D", "per": "contact" } ] }
        """;

    private static readonly AttemptRecord[] SevenInAWeek = Attempts(
        "2026-06-02T10:00:00-04:00", "2026-06-03T10:00:00-04:00", "2026-06-04T10:00:00-04:00", "2026-06-05T10:00:00-04:00",
        "2026-06-06T10:00:00-04:00", "2026-06-07T10:00:00-04:00", "2026-06-08T10:00:00-04:00");

    [Fact]
    public void Reg_F_ships_disabled()
    {
        Assert.True(Defaults.Evaluate(Voice("2026-06-08T15:00:00-04:00") with { ContactAttempts = SevenInAWeek }).Allowed);
        Assert.False(RuleSets.Default.AttemptLimits.Single(r => r.Id == "us-reg-f-7-in-7").Enabled);
    }

    [Fact]
    public void Reg_F_enabled_by_an_override_denies_the_eighth_call_in_seven_days()
    {
        var evaluator = new ComplianceEvaluator(RuleSets.Override(EngineRules.Set, RuleSets.Parse(RegFOn)));
        var d = evaluator.Evaluate(Voice("2026-06-08T15:00:00-04:00") with { ContactAttempts = SevenInAWeek });

        Assert.False(d.Allowed);
        Assert.Equal("us-reg-f-7-in-7", d.Rules());
        Assert.Contains("7 attempts to this contact in the 7 days", d.Reasons[0].Detail);
        Assert.Equal(At("2026-06-09T10:00:00-04:00"), d.NextAllowedAt);
        Assert.Equal("tenant-collections@3", d.RuleSetVersion);

        Assert.True(evaluator.Evaluate(Voice("2026-06-09T10:00:00-04:00") with { ContactAttempts = SevenInAWeek }).Allowed);
        Assert.True(evaluator.Evaluate(Voice("2026-06-08T15:00:00-04:00") with { PhoneAttempts = SevenInAWeek }).Allowed);
        Assert.True(evaluator.Evaluate(Voice("2026-06-08T15:00:00-04:00") with { ContactAttempts = SevenInAWeek, Channel = Channel.Sms }).Allowed);
    }

    [Fact]
    public void Counted_results_filter_which_attempts_count()
    {
        var set = RuleSets.Override(EngineRules.Set, RuleSets.Parse("""
            { "id": "t", "version": 1, "name": "t",
              "attemptLimits": [ { "id": "two-answered", "citation": "tenant policy", "effectiveFrom": "2020-01-01",
                                   "max": 2, "window": "P1D", "countedResults": ["answered"] } ] }
            """));
        var evaluator = new ComplianceEvaluator(set);
        var input = Voice("2026-06-09T15:00:00-04:00");

        Assert.True(evaluator.Evaluate(input with { PhoneAttempts = Attempts("2026-06-09T10:00:00-04:00", "2026-06-09T11:00:00-04:00") }).Allowed);
        var answered = new[] { new AttemptRecord(At("2026-06-09T10:00:00-04:00"), "ANSWERED"), new AttemptRecord(At("2026-06-09T11:00:00-04:00"), "answered") };
        Assert.Equal("two-answered", evaluator.Evaluate(input with { PhoneAttempts = answered }).Rules());
    }

    private static ComplianceInput Uk(string at, DialingMode? mode, params AttemptRecord[] attempts) =>
        Voice(at, "GB", null, "Europe/London") with { DialingMode = mode, PhoneAttempts = attempts };

    [Fact]
    public void Uk_holds_back_an_autodialed_recall_for_72_hours_after_an_abandoned_call()
    {
        var abandoned = new AttemptRecord(At("2026-06-09T10:00:00+01:00"), "abandoned");

        var d = Defaults.Evaluate(Uk("2026-06-12T08:59:00+01:00", DialingMode.Predictive, abandoned));
        Assert.False(d.Allowed);
        Assert.Equal("gb-abandoned-72h", d.Rules());
        Assert.Contains("no re-call within 72 h", d.Reasons[0].Detail);
        Assert.Equal(At("2026-06-12T10:00:00+01:00"), d.NextAllowedAt);

        Assert.True(Defaults.Evaluate(Uk("2026-06-12T10:00:00+01:00", DialingMode.Predictive, abandoned)).Allowed);
        Assert.False(Defaults.Evaluate(Uk("2026-06-10T10:00:00+01:00", null, abandoned)).Allowed);
        Assert.True(Defaults.Evaluate(Uk("2026-06-10T10:00:00+01:00", DialingMode.Preview, abandoned)).Allowed);
        Assert.True(Defaults.Evaluate(Uk("2026-06-10T10:00:00+01:00", DialingMode.Predictive, new AttemptRecord(abandoned.At, "answered"))).Allowed);
    }

    private static ComplianceInput Mobile(DialingMode? mode, bool? consent, string at = "2026-06-09T12:00:00-04:00") =>
        Voice(at) with { DeviceType = DeviceType.Mobile, DialingMode = mode, AutodialMobileConsent = consent };

    [Fact]
    public void Autodialing_a_mobile_needs_consent_and_no_wait_helps()
    {
        var d = Defaults.Evaluate(Mobile(DialingMode.Predictive, null));
        Assert.False(d.Allowed);
        Assert.Equal("us-autodial-mobile-consent", d.Rules());
        Assert.Contains("not recorded", d.Reasons[0].Detail);
        Assert.Null(d.NextAllowedAt);

        Assert.False(Defaults.Evaluate(Mobile(DialingMode.Power, false)).Allowed);
        Assert.False(Defaults.Evaluate(Mobile(DialingMode.Agentless, null)).Allowed);
        Assert.True(Defaults.Evaluate(Mobile(DialingMode.Predictive, true)).Allowed);
        Assert.True(Defaults.Evaluate(Mobile(DialingMode.Preview, null)).Allowed);
        Assert.True(Defaults.Evaluate(Mobile(DialingMode.Progressive, false)).Allowed);
    }

    [Fact]
    public void Only_a_known_mobile_needs_consent_but_a_missing_mode_counts_as_autodialed()
    {
        Assert.True(Defaults.Evaluate(Mobile(DialingMode.Predictive, null) with { DeviceType = DeviceType.Unknown }).Allowed);
        Assert.True(Defaults.Evaluate(Mobile(DialingMode.Predictive, null) with { DeviceType = DeviceType.Landline }).Allowed);
        Assert.Equal("us-autodial-mobile-consent", Defaults.Evaluate(Mobile(null, null)).Rules());
    }

    [Fact]
    public void A_consent_denial_outside_hours_lists_both_rules_and_has_no_next_time()
    {
        var d = Defaults.Evaluate(Mobile(DialingMode.Predictive, false, "2026-06-09T22:00:00-04:00"));

        Assert.Equal("us-autodial-mobile-consent,us-federal-hours", d.Rules());
        Assert.Null(d.NextAllowedAt);
    }
}
