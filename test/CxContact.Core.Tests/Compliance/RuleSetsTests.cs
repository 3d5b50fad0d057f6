using CxContact.Core.Compliance;

namespace CxContact.Core.Tests.Compliance;

public sealed class RuleSetsTests
{
    private static string Set(string callingWindows = "[]", string extra = "") => $$"""
        { "id": "t", "version": 1, "name": "test", "callingWindows": {{callingWindows}}{{extra}} }
        """;

    private static string Window(string weekdays, string more = "") => $$"""
        [ { "id": "w", "citation": "c", "effectiveFrom": "2020-01-01", "country": "US", "weekdays": {{weekdays}}{{more}} } ]
        """;

    [Fact]
    public void The_default_set_loads_and_validates_cleanly()
    {
        var set = RuleSets.Default;

        Assert.Empty(RuleSets.Validate(set));
        Assert.Equal("cxc-defaults@2", set.VersionTag);
        Assert.Contains(set.CallingWindows, r => r.Id == "us-federal-hours" && r.Region is null);
        Assert.Contains(set.CallingWindows, r => r.Region == "FL");
        Assert.Contains(set.CallingWindows, r => r.Country == "CA");
        Assert.Contains(set.MinimumGaps, r => r.Country == "GB");
        Assert.All(set.CallingWindows.Concat<object>(set.AttemptLimits).Concat(set.MinimumGaps).Concat(set.DeviceRules), r =>
            Assert.False(string.IsNullOrWhiteSpace((string)r.GetType().GetProperty("Citation")!.GetValue(r)!)));
        // Calendars are rules now: any year has its days, and nothing runs out (5 U.S.C. 6103(a)).
        var evaluator = new ComplianceEvaluator(set);
        Assert.True(evaluator.IsHoliday("us-federal-holidays", new DateOnly(2026, 12, 25)));
        Assert.True(evaluator.IsHoliday("us-federal-holidays", new DateOnly(2028, 11, 23))); // Thanksgiving 2028
        Assert.True(evaluator.IsHoliday("us-federal-holidays", new DateOnly(2040, 11, 22))); // Thanksgiving 2040
        Assert.False(evaluator.IsHoliday("us-federal-holidays", new DateOnly(2040, 11, 21)));
    }

    [Fact]
    public void A_rule_set_survives_a_round_trip_through_json()
    {
        var json = RuleSets.ToJson(RuleSets.Default);
        var again = RuleSets.Parse(json);

        Assert.Equal(json, RuleSets.ToJson(again));
        Assert.Equal(RuleSets.Default.CallingWindows.Count, again.CallingWindows.Count);
        Assert.Equal(TimeSpan.FromHours(24), again.AttemptLimits.Single(r => r.Id == "us-fl-3-per-24h").Window);
        Assert.Empty(again.CallingWindows.Single(r => r.Id == "us-ri-hours").Sunday!);
        Assert.Equal(RuleSets.Default.Jurisdictions, again.Jurisdictions, new JurisdictionComparer());
    }

    [Theory]
    [InlineData("{ \"id\": ", "")]
    [InlineData("{ \"version\": 1, \"name\": \"n\" }", "id")]
    [InlineData("{ \"id\": \"t\", \"version\": \"one\", \"name\": \"n\" }", "version")]
    public void Parse_names_the_path_of_a_broken_document(string json, string path)
    {
        var e = Assert.Throws<RuleSetException>(() => RuleSets.Parse(json));
        Assert.Equal(path, e.Path);
    }

    [Theory]
    [InlineData("[\"8-21\"]", "", "callingWindows[0].weekdays[0]")]
    [InlineData("[\"08:00-25:00\"]", "", "callingWindows[0].weekdays[0]")]
    [InlineData("[\"08:00-21:00\"]", ", \"satruday\": \"closed\"", "callingWindows[0].satruday")]
    [InlineData("[\"08:00-21:00\"]", ", \"sunday\": \"shut\"", "callingWindows[0].sunday")]
    [InlineData("[\"08:00-21:00\"]", ", \"channels\": [\"fax\"]", "callingWindows[0].channels[0]")]
    [InlineData("[\"08:00-21:00\"]", ", \"effectiveFrom\": \"01/01/2020\"", "callingWindows[0].effectiveFrom")]
    public void Parse_names_the_path_of_a_broken_window(string weekdays, string more, string path)
    {
        // The last case repeats "effectiveFrom": a repeated key is refused rather than letting one value win.
        var e = Assert.Throws<RuleSetException>(() => RuleSets.Parse(Set(Window(weekdays, more))));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Theory]
    [InlineData("\"24 hours\"", "attemptLimits[0].window")]
    [InlineData("\"P1M\"", "attemptLimits[0].window")]
    public void Parse_refuses_durations_that_are_not_exact_spans(string window, string path)
    {
        var json = Set(extra: $$""", "attemptLimits": [ { "id": "a", "citation": "c", "effectiveFrom": "2020-01-01", "max": 3, "window": {{window}} } ]""");
        Assert.Equal(path, Assert.Throws<RuleSetException>(() => RuleSets.Parse(json)).Path);
    }

    [Theory]
    [InlineData("[\"21:00-08:00\"]", "", "callingWindows[0].weekdays[0]", "is empty")]
    [InlineData("[\"08:00-08:00\"]", "", "callingWindows[0].weekdays[0]", "is empty")]
    [InlineData("[\"08:00-12:00\", \"11:00-21:00\"]", "", "callingWindows[0].weekdays[1]", "overlaps")]
    [InlineData("[\"08:00-21:00\"]", ", \"saturday\": [\"22:00-10:00\"]", "callingWindows[0].saturday[0]", "is empty")]
    [InlineData("[\"08:00-21:00\"]", ", \"region\": \"XX\"", "callingWindows[0].region", "not a known region of US")]
    [InlineData("[\"08:00-21:00\"]", ", \"timeZone\": \"America/Atlantis\"", "callingWindows[0].timeZone", "not a known IANA time zone")]
    [InlineData("[\"08:00-21:00\"]", ", \"holidayCalendar\": \"nope\"", "callingWindows[0].holidayCalendar", "not the id of a calendar")]
    [InlineData("[\"08:00-21:00\"]", ", \"holiday\": \"closed\"", "callingWindows[0].holiday", "needs a holidayCalendar")]
    [InlineData("[\"08:00-21:00\"]", ", \"channels\": []", "callingWindows[0].channels", "never apply")]
    public void Validate_names_the_path_of_each_problem(string weekdays, string more, string path, string problem)
    {
        var errors = RuleSets.Validate(RuleSets.Parse(Set(Window(weekdays, more))));

        Assert.True(errors.ContainsKey(path), $"expected an error at {path}, got: {string.Join("; ", errors.Keys)}");
        Assert.Contains(errors[path], m => m.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_reports_every_problem_at_once()
    {
        var json = """
            { "id": "t", "version": 0, "name": "t",
              "callingWindows": [
                { "id": "dup", "citation": "c", "effectiveFrom": "2020-01-01", "country": "ZZ", "weekdays": ["09:00-17:00"] },
                { "id": "dup", "citation": "", "effectiveFrom": "2020-01-01", "country": "CA", "region": "TX", "weekdays": ["09:00-17:00"] } ],
              "attemptLimits": [ { "id": "a", "citation": "c", "effectiveFrom": "2020-01-01", "max": 0, "window": "PT0S" } ],
              "minimumGaps": [ { "id": "g", "citation": "c", "effectiveFrom": "2020-01-01", "afterResults": [], "gap": "PT0S" } ],
              "deviceRules": [ { "id": "d", "citation": "c", "effectiveFrom": "2020-01-01", "deviceType": "mobile",
                                 "dialingModes": ["predictive"], "requiresConsent": "smoke-signals" } ] }
            """;
        var errors = RuleSets.Validate(RuleSets.Parse(json));

        Assert.Equal(
            new[]
            {
                "attemptLimits[0].max", "attemptLimits[0].window", "callingWindows[0].country", "callingWindows[1].citation",
                "callingWindows[1].id", "callingWindows[1].region", "deviceRules[0].requiresConsent", "minimumGaps[0].afterResults",
                "minimumGaps[0].gap", "version",
            },
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("already the id of callingWindows[0]", errors["callingWindows[1].id"][0]);
    }

    [Theory]
    [InlineData("CA", "ON")]
    [InlineData("CA", "YT")]
    [InlineData("US", "DC")]
    [InlineData("US", "PR")]
    [InlineData("GB", "SCT")]
    public void Known_regions_validate(string country, string region)
    {
        var json = Set(Window("[\"09:00-17:00\"]", $", \"region\": \"{region}\"").Replace("\"US\"", $"\"{country}\""));
        Assert.Empty(RuleSets.Validate(RuleSets.Parse(json)));
    }

    [Fact]
    public void Override_replaces_rules_by_id_adds_new_ones_and_takes_the_overrides_identity()
    {
        var overrides = RuleSets.Parse("""
            { "id": "tenant-a", "version": 7, "name": "Tenant A",
              "callingWindows": [
                { "id": "us-fl-hours", "citation": "tenant: stricter", "effectiveFrom": "2020-01-01", "country": "US", "region": "FL", "weekdays": ["10:00-18:00"] },
                { "id": "tenant-de", "citation": "tenant policy", "effectiveFrom": "2020-01-01", "country": "DE", "weekdays": ["09:00-20:00"] } ] }
            """);
        var merged = RuleSets.Override(RuleSets.Default, overrides);

        Assert.Equal("tenant-a@7", merged.VersionTag);
        Assert.Equal("Tenant A", merged.Name);
        Assert.Single(merged.CallingWindows, r => r.Id == "us-fl-hours");
        Assert.Equal("tenant: stricter", merged.CallingWindows.Single(r => r.Id == "us-fl-hours").Citation);
        Assert.Equal(
            RuleSets.Default.CallingWindows.Select(r => r.Id).ToList().IndexOf("us-fl-hours"),
            merged.CallingWindows.Select(r => r.Id).ToList().IndexOf("us-fl-hours"));
        Assert.Contains(merged.CallingWindows, r => r.Id == "tenant-de");
        Assert.Equal(RuleSets.Default.CallingWindows.Count + 1, merged.CallingWindows.Count);
        Assert.Equal(RuleSets.Default.AttemptLimits, merged.AttemptLimits);
        Assert.Empty(RuleSets.Validate(merged));

        var d = new ComplianceEvaluator(merged).Evaluate(Inputs.Voice("2026-06-09T09:30:00-04:00", region: "FL"));
        Assert.Equal("us-fl-hours", d.Rules());
        Assert.Equal(Inputs.At("2026-06-09T10:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void A_fixed_zone_window_reads_the_clock_in_that_zone()
    {
        var set = RuleSets.Override(RuleSets.Default, RuleSets.Parse("""
            { "id": "t", "version": 1, "name": "t",
              "callingWindows": [ { "id": "centre-hours", "citation": "call centre opening hours", "effectiveFrom": "2020-01-01",
                                    "country": "US", "weekdays": ["09:00-17:00"], "timeZone": "Europe/Berlin" } ] }
            """));
        // 12:00 in New York is 18:00 in Berlin: the centre is closed.
        var d = new ComplianceEvaluator(set).Evaluate(Inputs.Voice("2026-06-09T12:00:00-04:00"));

        Assert.Equal("centre-hours", d.Rules());
        Assert.Contains("in Europe/Berlin", d.Reasons[0].Detail);
        // Berlin opens at 09:00 (03:00 New York), New York at 08:00 (14:00 Berlin): both from 08:00 Eastern.
        Assert.Equal(Inputs.At("2026-06-10T08:00:00-04:00"), d.NextAllowedAt);
    }

    [Fact]
    public void Rules_not_yet_in_force_do_not_apply()
    {
        var set = RuleSets.Parse(Set(Window("[\"09:00-17:00\"]").Replace("2020-01-01", "2026-07-01")));
        var evaluator = new ComplianceEvaluator(set);

        Assert.True(evaluator.Evaluate(Inputs.Voice("2026-06-30T20:00:00-04:00")).Allowed);
        var d = evaluator.Evaluate(Inputs.Voice("2026-06-30T23:59:00-04:00"));
        Assert.True(d.Allowed);
        Assert.False(evaluator.Evaluate(Inputs.Voice("2026-07-01T00:00:00-04:00")).Allowed);
    }

    private sealed class JurisdictionComparer : IEqualityComparer<Jurisdiction>
    {
        public bool Equals(Jurisdiction? x, Jurisdiction? y) =>
            x!.Code == y!.Code && x.Summary == y.Summary && x.Checked == y.Checked && x.Sources.SequenceEqual(y.Sources) && x.NotModelled.SequenceEqual(y.NotModelled);

        public int GetHashCode(Jurisdiction j) => j.Code.GetHashCode();
    }
}
