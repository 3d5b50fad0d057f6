using CxContact.Core.Compliance;
using static CxContact.Core.Tests.Compliance.Inputs;

namespace CxContact.Core.Tests.Compliance;

/// <summary>US changes on 2026-03-08 and 2026-11-01, the UK on 2026-03-29 and 2026-10-25 (all Sundays).</summary>
public sealed class DaylightSavingTests
{
    private static readonly ComplianceEvaluator Defaults = EngineRules.Evaluator;

    // The shipped set has no UK hours (the research gives none), so the UK clock tests use a tenant window.
    private static readonly ComplianceEvaluator UkHours = new(RuleSets.Override(EngineRules.Set, RuleSets.Parse("""
        { "id": "tenant-uk", "version": 1, "name": "UK hours for a tenant",
          "callingWindows": [ { "id": "gb-tenant-hours", "citation": "tenant policy", "effectiveFrom": "2020-01-01",
                                "country": "GB", "weekdays": ["08:00-21:00"] } ] }
        """)));

    [Theory]
    [InlineData("2026-03-08T08:30:00-04:00", "America/New_York")] // first morning of EDT
    [InlineData("2026-03-08T08:30:00-05:00", "America/Chicago")]  // first morning of CDT
    [InlineData("2026-11-01T08:30:00-05:00", "America/New_York")] // first morning of EST
    [InlineData("2026-11-01T08:30:00-06:00", "America/Chicago")]
    [InlineData("2026-11-01T20:59:00-05:00", "America/New_York")]
    public void Us_change_days_allow_inside_local_hours(string at, string zone)
    {
        Assert.True(Defaults.Evaluate(Voice(at, "US", null, zone)).Allowed);
    }

    [Fact]
    public void Spring_forward_07_30_local_is_denied_until_08_00_local()
    {
        var d = Defaults.Evaluate(Voice("2026-03-08T07:30:00-04:00"));

        Assert.False(d.Allowed);
        Assert.Contains("it is 07:30 on Sunday 2026-03-08", d.Reasons[0].Detail);
        Assert.Equal(At("2026-03-08T12:00:00Z"), d.NextAllowedAt);
    }

    [Fact]
    public void Fall_back_07_30_local_is_denied_though_it_would_be_08_30_by_the_old_offset()
    {
        // 12:30Z is 07:30 EST; by the summer offset it would read 08:30.
        var d = Defaults.Evaluate(Voice("2026-11-01T12:30:00Z"));

        Assert.False(d.Allowed);
        Assert.Contains("it is 07:30 on Sunday 2026-11-01", d.Reasons[0].Detail);
        Assert.Equal(At("2026-11-01T13:00:00Z"), d.NextAllowedAt);
    }

    [Fact]
    public void Fall_back_21_00_local_is_denied_though_it_would_be_22_00_by_the_old_offset()
    {
        Assert.False(Defaults.Evaluate(Voice("2026-11-02T02:00:00Z")).Allowed); // 21:00 EST on 2026-11-01
    }

    [Theory]
    [InlineData("2026-03-07T22:00:00-05:00", "America/New_York", "2026-03-08T12:00:00Z")]
    [InlineData("2026-03-07T22:00:00-06:00", "America/Chicago", "2026-03-08T13:00:00Z")]
    [InlineData("2026-10-31T22:00:00-04:00", "America/New_York", "2026-11-01T13:00:00Z")]
    [InlineData("2026-10-31T22:00:00-05:00", "America/Chicago", "2026-11-01T14:00:00Z")]
    public void Next_allowed_lands_on_the_local_08_00_across_the_us_change(string at, string zone, string expected)
    {
        var d = Defaults.Evaluate(Voice(at, "US", null, zone));

        Assert.False(d.Allowed);
        Assert.Equal(At(expected), d.NextAllowedAt);
        Assert.True(Defaults.Evaluate(Voice(expected, "US", null, zone)).Allowed);
        Assert.False(Defaults.Evaluate(Voice(At(expected).AddMinutes(-1).ToString("o"), "US", null, zone)).Allowed);
    }

    [Theory]
    [InlineData("2026-03-29T08:30:00+01:00", true)]  // first morning of BST
    [InlineData("2026-03-29T07:30:00+01:00", false)]
    [InlineData("2026-10-25T08:30:00+00:00", true)]  // first morning of GMT
    [InlineData("2026-10-25T07:30:00+00:00", false)] // 08:30 by the summer offset
    public void Uk_change_days_use_the_local_clock(string at, bool allowed)
    {
        Assert.Equal(allowed, UkHours.Evaluate(Voice(at, "GB", null, "Europe/London")).Allowed);
    }

    [Theory]
    [InlineData("2026-03-28T22:00:00+00:00", "2026-03-29T07:00:00Z")]
    [InlineData("2026-10-24T21:30:00+01:00", "2026-10-25T08:00:00Z")]
    public void Next_allowed_lands_on_the_local_08_00_across_the_uk_change(string at, string expected)
    {
        var d = UkHours.Evaluate(Voice(at, "GB", null, "Europe/London"));

        Assert.Equal("gb-tenant-hours", d.Rules());
        Assert.Equal(At(expected), d.NextAllowedAt);
    }

    [Fact]
    public void A_window_that_starts_inside_the_skipped_hour_opens_when_the_clock_jumps()
    {
        var set = RuleSets.Parse("""
            { "id": "night", "version": 1, "name": "night shift",
              "callingWindows": [ { "id": "night-hours", "citation": "test", "effectiveFrom": "2020-01-01",
                                    "country": "US", "weekdays": ["02:30-05:00"] } ] }
            """);
        var d = new ComplianceEvaluator(set).Evaluate(Voice("2026-03-08T01:00:00-05:00"));

        // 02:30 does not exist that night: 01:59 EST is followed by 03:00 EDT (07:00Z).
        Assert.Equal(At("2026-03-08T07:00:00Z"), d.NextAllowedAt);
    }
}
