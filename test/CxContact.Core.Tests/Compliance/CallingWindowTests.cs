using CxContact.Core.Compliance;
using static CxContact.Core.Tests.Compliance.Inputs;

namespace CxContact.Core.Tests.Compliance;

public sealed class CallingWindowTests
{
    private static readonly ComplianceEvaluator Defaults = EngineRules.Evaluator;

    [Fact]
    public void Exactly_08_00_is_allowed_and_reports_the_rule_set_version()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T08:00:00-04:00"));

        Assert.True(d.Allowed);
        Assert.Empty(d.Reasons);
        Assert.Equal(At("2026-06-09T08:00:00-04:00"), d.NextAllowedAt);
        Assert.Equal(["America/New_York"], d.TimeZones);
        Assert.Equal("engine-tests@1", d.RuleSetVersion);
    }

    [Fact]
    public void At_07_59_is_denied_until_08_00_the_same_morning()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T07:59:00-04:00"));

        Assert.False(d.Allowed);
        Assert.Equal("us-federal-hours", d.Rules());
        Assert.Contains("it is 07:59 on Tuesday 2026-06-09 in America/New_York", d.Reasons[0].Detail);
        Assert.Contains("US allows calls 08:00–21:00", d.Reasons[0].Detail);
        Assert.Equal(At("2026-06-09T08:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void At_20_59_is_allowed_and_21_00_is_denied_until_the_next_morning()
    {
        Assert.True(Defaults.Evaluate(Voice("2026-06-09T20:59:00-04:00")).Allowed);

        var d = Defaults.Evaluate(Voice("2026-06-09T21:00:00-04:00"));
        Assert.False(d.Allowed);
        Assert.Equal("us-federal-hours", d.Rules());
        Assert.Equal(At("2026-06-10T08:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void A_stricter_state_denies_on_its_own_while_the_federal_window_is_open()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T20:30:00-04:00", region: "FL"));

        Assert.False(d.Allowed);
        Assert.Equal("us-fl-hours", d.Rules());
        Assert.Contains("US-FL (address) allows calls 08:00–20:00", d.Reasons[0].Detail);
        Assert.Equal(At("2026-06-10T08:00:00-04:00"), d.NextAllowedAt);

        Assert.True(Defaults.Evaluate(Voice("2026-06-09T20:30:00-04:00", region: "GA")).Allowed);
    }

    [Fact]
    public void Kentucky_opens_at_10_00_and_the_region_may_be_given_in_iso_form()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T09:30:00-04:00", region: "US-KY"));

        Assert.Equal("us-ky-hours", d.Rules());
        Assert.Equal(At("2026-06-09T10:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void Every_denying_rule_is_listed()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T21:30:00-04:00", region: "FL"));

        Assert.Equal("us-federal-hours,us-fl-hours", d.Rules());
        Assert.All(d.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Detail)));
    }

    [Fact]
    public void Ambiguous_zones_deny_when_one_zone_is_outside_and_name_that_zone()
    {
        // 07:30 in Chicago is 08:30 in New York.
        var d = Defaults.Evaluate(Voice("2026-06-09T07:30:00-05:00", "US", null, "America/New_York", "America/Chicago"));

        Assert.False(d.Allowed);
        Assert.Equal("us-federal-hours", d.Rules());
        Assert.Contains("in America/Chicago", d.Reasons[0].Detail);
        Assert.DoesNotContain("America/New_York", d.Reasons[0].Detail);
        Assert.Equal(At("2026-06-09T08:00:00-05:00"), d.NextAllowedAt);
        Assert.Equal(["America/New_York", "America/Chicago"], d.TimeZones);
    }

    [Fact]
    public void Ambiguous_zones_in_the_evening_wait_for_the_eastern_zone_to_reopen()
    {
        // 20:30 in Chicago is 21:30 in New York: New York is closed until 08:00 Eastern.
        var d = Defaults.Evaluate(Voice("2026-06-09T20:30:00-05:00", "US", null, "America/New_York", "America/Chicago"));

        Assert.Contains("in America/New_York", d.Reasons[0].Detail);
        Assert.DoesNotContain("America/Chicago", d.Reasons[0].Detail);
        // 08:00 Eastern is 07:00 Central, still closed there; the first instant both allow is 08:00 Central.
        Assert.Equal(At("2026-06-10T08:00:00-05:00"), d.NextAllowedAt);
    }

    [Fact]
    public void No_time_zone_fails_closed_with_location_unknown()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T12:00:00-04:00") with { TimeZones = [] });

        Assert.False(d.Allowed);
        Assert.Equal(ComplianceEvaluator.LocationUnknown, d.Rules());
        Assert.Null(d.NextAllowedAt);
    }

    [Fact]
    public void An_unknown_zone_or_country_fails_closed()
    {
        var zone = Defaults.Evaluate(Voice("2026-06-09T12:00:00-04:00", "US", null, "Mars/Olympus_Mons"));
        Assert.Equal(ComplianceEvaluator.TimeZoneUnknown, zone.Rules());
        Assert.Contains("Mars/Olympus_Mons", zone.Reasons[0].Detail);
        Assert.Null(zone.NextAllowedAt);

        var country = Defaults.Evaluate(Voice("2026-06-09T12:00:00-04:00", "") );
        Assert.Equal(ComplianceEvaluator.LocationUnknown, country.Rules());
    }

    [Fact]
    public void Email_has_no_calling_hours_and_needs_no_zone()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T23:30:00-04:00") with { Channel = Channel.Email, TimeZones = [] });

        Assert.True(d.Allowed);
    }

    [Fact]
    public void A_tenants_email_window_is_a_calling_window_for_the_email_channel_only()
    {
        // How a tenant sets email's own sending window: a rule for channel "email" in its rule set.
        var set = RuleSets.Parse("""
            {
              "id": "email-window", "version": 1, "name": "Email in office hours",
              "callingWindows": [
                { "id": "us-hours", "citation": "test", "effectiveFrom": "1992-12-20", "country": "US", "weekdays": ["08:00-21:00"] },
                { "id": "email-office-hours", "citation": "tenant policy", "effectiveFrom": "2020-01-01", "country": "US", "channels": ["email"],
                  "weekdays": ["09:00-17:00"], "saturday": "closed", "sunday": "closed" }
              ]
            }
            """);
        var evaluator = new ComplianceEvaluator(set);
        var email = Voice("2026-06-09T18:30:00-04:00") with { Channel = Channel.Email };

        var late = evaluator.Evaluate(email);
        Assert.Equal("email-office-hours", late.Rules());
        Assert.Equal(At("2026-06-10T09:00:00-04:00"), late.NextAllowedAt);
        Assert.True(evaluator.Evaluate(email with { At = At("2026-06-09T09:00:00-04:00") }).Allowed);
        Assert.True(evaluator.Evaluate(Voice("2026-06-09T18:30:00-04:00")).Allowed, "a voice call keeps the voice hours");
    }

    [Fact]
    public void Sms_follows_the_calling_hours()
    {
        var d = Defaults.Evaluate(Voice("2026-06-09T23:30:00-04:00") with { Channel = Channel.Sms });

        Assert.Equal("us-federal-hours", d.Rules());
    }

    [Fact]
    public void Unavailable_denies_with_compliance_unavailable()
    {
        var d = ComplianceEvaluator.Unavailable("redis: connection refused", "cxc-defaults@1");

        Assert.False(d.Allowed);
        Assert.Equal(ComplianceEvaluator.ComplianceUnavailable, d.Rules());
        Assert.Equal("redis: connection refused", d.Reasons[0].Detail);
        Assert.Null(d.NextAllowedAt);
        Assert.Equal("cxc-defaults@1", d.RuleSetVersion);
    }

    [Fact]
    public void The_weekly_envelope_counts_calling_windows_only_and_the_campaigns_kind_of_call()
    {
        // The shipped rules: Canada asks consent for automated sales calls, which no preload knows; it used to close
        // every hour of the week, so every Canadian number was left out as "no-calling-window".
        var shipped = new ComplianceEvaluator(RuleSets.Default);
        var at = At("2026-12-09T12:00:00-05:00");
        // CRTC: 09:00-21:30 weekdays, 10:00-18:00 weekends (the widest, weekdays).
        Assert.Equal((9 * 3600, 21 * 3600 + 1800), shipped.WeeklyEnvelope("CA", "ON", ["America/Toronto"], Channel.Voice, at, purpose: CallPurpose.Sales, mode: DialingMode.Predictive));
        Assert.NotNull(shipped.WeeklyEnvelope("CA", "YT", ["America/Vancouver"], Channel.Voice, at, "YT"));
        // The number's region narrows it as it narrows a lease: Florida ends at 20:00 (Fla. Stat. 501.059(8)(a)).
        var florida = shipped.WeeklyEnvelope("US", "NY", ["America/New_York"], Channel.Voice, at, "FL", CallPurpose.Sales);
        Assert.Equal(20 * 3600, florida!.Value.Till);
        Assert.Equal(21 * 3600, shipped.WeeklyEnvelope("US", "NY", ["America/New_York"], Channel.Voice, at, purpose: CallPurpose.Sales)!.Value.Till);
    }
}
