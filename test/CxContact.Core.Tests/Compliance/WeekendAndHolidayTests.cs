using CxContact.Core.Compliance;
using static CxContact.Core.Tests.Compliance.Inputs;

namespace CxContact.Core.Tests.Compliance;

public sealed class WeekendAndHolidayTests
{
    private static readonly ComplianceEvaluator Defaults = new(RuleSets.Default);
    private const string Central = "America/Chicago";

    [Fact]
    public void Christmas_is_closed_in_Louisiana_but_open_federally()
    {
        var la = Defaults.Evaluate(Voice("2026-12-25T10:00:00-06:00", "US", "LA", Central));

        Assert.False(la.Allowed);
        Assert.Equal("us-la-sunday-holiday", la.Rules());
        Assert.Contains("2026-12-25 is in us-federal-holidays", la.Reasons[0].Detail);
        Assert.Contains("US-LA (address) allows no calls on holidays", la.Reasons[0].Detail);
        // Saturday 26th is an ordinary day in LA, so the federal 08:00 start decides.
        Assert.Equal(At("2026-12-26T08:00:00-06:00"), la.NextAllowedAt);

        Assert.True(Defaults.Evaluate(Voice("2026-12-25T10:00:00-06:00", "US", null, Central)).Allowed);
        Assert.True(Defaults.Evaluate(Voice("2026-12-25T10:00:00-06:00", "US", "TX", Central)).Allowed);
    }

    [Fact]
    public void Alabama_is_closed_on_Sundays_and_reopens_on_Monday_morning()
    {
        var d = Defaults.Evaluate(Voice("2026-12-27T10:00:00-06:00", "US", "AL", Central));

        Assert.Equal("us-al-sunday-holiday", d.Rules());
        Assert.Contains("US-AL (address) allows no calls on Sundays", d.Reasons[0].Detail);
        Assert.Equal(At("2026-12-28T08:00:00-06:00"), d.NextAllowedAt);
    }

    [Fact]
    public void Louisiana_late_on_Saturday_waits_over_the_closed_Sunday()
    {
        var d = Defaults.Evaluate(Voice("2026-06-13T21:30:00-05:00", "US", "LA", Central));

        Assert.Equal("us-federal-hours", d.Rules()); // Saturday itself is open all day in LA
        Assert.Equal(At("2026-06-15T08:00:00-05:00"), d.NextAllowedAt);
    }

    [Fact]
    public void Mississippi_is_closed_on_Sundays_only()
    {
        Assert.Equal("us-ms-sunday-holiday", Defaults.Evaluate(Voice("2026-06-14T12:00:00-05:00", "US", "MS", Central)).Rules());
        Assert.True(Defaults.Evaluate(Voice("2026-06-13T12:00:00-05:00", "US", "MS", Central)).Allowed);
    }

    [Fact]
    public void Texas_opens_at_noon_on_Sundays()
    {
        var d = Defaults.Evaluate(Voice("2026-06-14T11:59:00-05:00", "US", "TX", Central));

        Assert.Equal("us-tx-sunday", d.Rules());
        Assert.Equal(At("2026-06-14T12:00:00-05:00"), d.NextAllowedAt);
        Assert.True(Defaults.Evaluate(Voice("2026-06-14T12:00:00-05:00", "US", "TX", Central)).Allowed);
        Assert.True(Defaults.Evaluate(Voice("2026-06-13T09:00:00-05:00", "US", "TX", Central)).Allowed);
    }

    [Fact]
    public void Rhode_Island_closes_at_18_00_on_weekdays_only()
    {
        Assert.Equal("us-ri-hours", Defaults.Evaluate(Voice("2026-06-12T18:30:00-04:00", region: "RI")).Rules());
        Assert.True(Defaults.Evaluate(Voice("2026-06-13T18:30:00-04:00", region: "RI")).Allowed);
    }

    [Fact]
    public void Canada_uses_weekend_hours_and_next_allowed_crosses_the_weekend()
    {
        const string toronto = "America/Toronto";
        var friday = Defaults.Evaluate(Voice("2026-06-12T21:45:00-04:00", "CA", "ON", toronto));
        Assert.Equal("ca-crtc-hours", friday.Rules());
        Assert.Equal(At("2026-06-13T10:00:00-04:00"), friday.NextAllowedAt);

        Assert.True(Defaults.Evaluate(Voice("2026-06-12T21:29:00-04:00", "CA", "ON", toronto)).Allowed);

        var saturday = Defaults.Evaluate(Voice("2026-06-13T18:00:00-04:00", "CA", "ON", toronto));
        Assert.Contains("calls 10:00–18:00 on Saturdays", saturday.Reasons[0].Detail);
        Assert.Equal(At("2026-06-14T10:00:00-04:00"), saturday.NextAllowedAt);

        var sunday = Defaults.Evaluate(Voice("2026-06-14T18:30:00-04:00", "CA", "ON", toronto));
        Assert.Equal(At("2026-06-15T09:00:00-04:00"), sunday.NextAllowedAt);
    }
}
