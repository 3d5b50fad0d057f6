using System.Net;
using System.Text;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Compliance;

/// <summary>Tenant rule sets over HTTP: overrides of the defaults, validated when saved, versioned, used by decisions.</summary>
public sealed class RuleSetsApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<HttpClient> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Rules " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
    }

    private static Task<HttpResponseMessage> Put(HttpClient c, string id, string json) =>
        c.PutAsync($"/api/v1/rule-sets/{id}", new StringContent(json, Encoding.UTF8, "application/json"));

    private const string NineToNine = """
        {"callingWindows": [{"id": "us-federal-hours", "citation": "our own policy: no calls before 09:00", "effectiveFrom": "2020-01-01",
                             "country": "US", "weekdays": ["09:00-21:00"]}]}
        """;

    [Fact]
    public async Task A_tenant_set_overrides_the_defaults_and_decisions_use_it()
    {
        var c = await TenantAsync();
        var saved = await HttpAssert.Json(await Put(c, "strict", NineToNine), HttpStatusCode.OK);
        Assert.Equal(1, saved.GetProperty("version").GetInt32());
        Assert.Equal(2, (await HttpAssert.Json(await Put(c, "strict", NineToNine), HttpStatusCode.OK)).GetProperty("version").GetInt32());

        // 16:30Z is 08:30 Pacific: allowed by the federal default, not by the tenant's 09:00 start.
        var byDefault = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T16:30:00Z" }), HttpStatusCode.OK);
        Assert.Equal("allow", byDefault.GetProperty("decision").GetString());
        var strict = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate",
            new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T16:30:00Z", ruleSetId = "strict" }), HttpStatusCode.OK);
        Assert.Equal("deny", strict.GetProperty("decision").GetString());
        Assert.Equal("strict@2", strict.GetProperty("ruleSetVersion").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T17:00:00Z"), strict.GetProperty("nextAllowedAt").GetDateTimeOffset());

        var list = await HttpAssert.Json(await c.GetAsync("/api/v1/rule-sets"), HttpStatusCode.OK);
        Assert.Equal(["default", "strict"], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray());
        var effective = await (await c.GetAsync("/api/v1/rule-sets/strict")).Content.ReadAsStringAsync();
        Assert.Contains("09:00-21:00", effective);
        Assert.Contains("us-fl-hours", effective); // everything it did not override still applies
    }

    [Fact]
    public async Task Bad_rule_sets_are_refused_with_the_path_of_the_problem()
    {
        var c = await TenantAsync();
        var empty = await HttpAssert.Problem(await Put(c, "bad", """
            {"callingWindows": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "country": "US", "weekdays": ["21:00-08:00"]}]}
            """), HttpStatusCode.BadRequest);
        Assert.Contains("callingWindows", empty.GetProperty("errors").EnumerateObject().First().Name);
        await HttpAssert.Problem(await Put(c, "bad", """
            {"callingWindows": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "country": "US", "region": "ZZ", "weekdays": ["09:00-17:00"]}]}
            """), HttpStatusCode.BadRequest);
        await HttpAssert.Problem(await Put(c, "bad", """
            {"callingWindows": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "country": "US", "timeZone": "Mars/Base", "weekdays": ["09:00-17:00"]}]}
            """), HttpStatusCode.BadRequest);
        await HttpAssert.Problem(await Put(c, "bad", """{"callingWindwos": []}"""), HttpStatusCode.BadRequest);
        await HttpAssert.Problem(await Put(c, "default", NineToNine), HttpStatusCode.Conflict);
        await HttpAssert.FieldError(await Put(c, "Not Valid", NineToNine), "id");
        await HttpAssert.Problem(await c.GetAsync("/api/v1/rule-sets/nope"), HttpStatusCode.NotFound);
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "4155552671", ruleSetId = "nope" }), "ruleSetId");
    }

    [Fact]
    public async Task The_jurisdictions_table_lists_each_jurisdiction_with_its_rules_source_coverage_and_check_date()
    {
        var c = await TenantAsync();
        var table = await HttpAssert.Json(await c.GetAsync("/api/v1/rule-sets/default/jurisdictions"), HttpStatusCode.OK);
        Assert.Equal("cxc-defaults@2", table.GetProperty("ruleSet").GetString());
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        var ri = rows.Single(r => r.GetProperty("rule").GetString() == "us-ri-hours");
        Assert.Equal("US-RI", ri.GetProperty("jurisdiction").GetString());
        Assert.Contains("Sat 10:00", ri.GetProperty("what").GetString());
        Assert.Contains("5-61", ri.GetProperty("source").GetString());
        Assert.StartsWith("http", ri.GetProperty("url").GetString());
        Assert.Equal("2026-12-01", ri.GetProperty("checked").GetString());
        Assert.Contains("sales", ri.GetProperty("covers").GetString());
        // A jurisdiction without rules of its own is in the table too, saying so.
        Assert.Contains(rows, r => r.GetProperty("jurisdiction").GetString() == "US-OH" && r.GetProperty("kind").GetString() == "none");
        await HttpAssert.Problem(await c.GetAsync("/api/v1/rule-sets/nope/jurisdictions"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Versions_are_listed_and_two_are_compared_rule_by_rule()
    {
        var c = await TenantAsync();
        await HttpAssert.Json(await Put(c, "house", NineToNine), HttpStatusCode.OK);
        await HttpAssert.Json(await Put(c, "house", """
            {"callingWindows": [{"id": "us-federal-hours", "citation": "our own policy: no calls before 10:00", "effectiveFrom": "2020-01-01",
                                 "country": "US", "weekdays": ["10:00-21:00"]}],
             "attemptLimits": [{"id": "house-5-a-week", "citation": "house policy", "effectiveFrom": "2020-01-01", "max": 5, "window": "P7D", "per": "person"}]}
            """), HttpStatusCode.OK);

        var versions = await HttpAssert.Json(await c.GetAsync("/api/v1/rule-sets/house/versions"), HttpStatusCode.OK);
        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var diff = await HttpAssert.Json(await c.GetAsync("/api/v1/rule-sets/house/versions/1/diff/2"), HttpStatusCode.OK);
        var changes = diff.GetProperty("changes").EnumerateArray().ToList();
        var hours = changes.Single(x => x.GetProperty("id").GetString() == "us-federal-hours");
        Assert.Equal("changed", hours.GetProperty("kind").GetString());
        var weekdays = hours.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == "weekdays");
        Assert.Equal("09:00-21:00", weekdays.GetProperty("before")[0].GetString());
        Assert.Equal("10:00-21:00", weekdays.GetProperty("after")[0].GetString());
        Assert.Equal("added", changes.Single(x => x.GetProperty("id").GetString() == "house-5-a-week").GetProperty("kind").GetString());
        Assert.Equal(2, changes.Count);

        await HttpAssert.Problem(await c.GetAsync("/api/v1/rule-sets/house/versions/1/diff/9"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await c.GetAsync("/api/v1/rule-sets/nope/versions"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"callingWindows": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "jurisdiction": "US-ZZ", "weekdays": ["09:00-17:00"]}]}""", "callingWindows[0].region")]
    [InlineData("""{"holidays": [{"id": "h", "citation": "c", "holidays": [{"name": "x", "month": 4, "day": 31}]}]}""", "holidays[0].holidays[0]")]
    [InlineData("""{"attemptLimits": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "covers": {"purposes": ["charity"]}, "max": 1, "window": "P1D"}]}""", "attemptLimits[0].covers.purposes[0]")]
    [InlineData("""{"minimumGaps": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "afterResults": [], "gap": "P1D"}]}""", "minimumGaps[0].afterResults")]
    [InlineData("""{"callingWindows": [{"id": "x", "citation": "c", "effectiveFrom": "2020-01-01", "country": "US", "weekdays": ["09:00-13:00", "12:00-17:00"]}]}""", "callingWindows")]
    public async Task A_bad_rule_is_refused_naming_its_path(string json, string path)
    {
        var problem = await HttpAssert.Problem(await Put(await TenantAsync(), "bad", json), HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith(path, StringComparison.Ordinal));
    }
}
