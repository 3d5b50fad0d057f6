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
}
