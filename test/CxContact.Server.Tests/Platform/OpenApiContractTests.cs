using System.Net;
using System.Text.Json;
using CxContact.Server.Api.OpenApi;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The API contract: the served document against the committed snapshot (docs/openapi/v1.json), which clients are
/// generated from and the linters check. A breaking change fails, naming each break (a deliberate one needs a new
/// version path); any other difference fails too, until the snapshot is refreshed with
/// <c>CXC_UPDATE_OPENAPI_SNAPSHOT=1</c>, so that the committed document is always the one served.
/// </summary>
public sealed class OpenApiContractTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string Snapshot = Path.Combine(RepoPaths.Root, "docs", "openapi", "v1.json");

    [Fact]
    public async Task The_served_document_matches_the_snapshot_and_breaks_nothing()
    {
        var served = await (await api.Client().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        var live = JsonDocument.Parse(served).RootElement;
        var pretty = JsonSerializer.Serialize(live, new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("CXC_UPDATE_OPENAPI_SNAPSHOT") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Snapshot)!);
            await File.WriteAllTextAsync(Snapshot, pretty);
        }
        Assert.True(File.Exists(Snapshot), $"{Snapshot} is missing: run this test once with CXC_UPDATE_OPENAPI_SNAPSHOT=1 and commit it");
        var committed = JsonDocument.Parse(await File.ReadAllTextAsync(Snapshot)).RootElement;

        var breaks = OpenApiBreakingChanges.Find(committed, live);
        Assert.True(breaks.Count == 0, "Breaking changes against docs/openapi/v1.json (add a new version path instead):\n" + string.Join("\n", breaks));
        Assert.True(pretty == await File.ReadAllTextAsync(Snapshot),
            "The served OpenAPI document differs from docs/openapi/v1.json (no breaking change): refresh it with CXC_UPDATE_OPENAPI_SNAPSHOT=1 and commit it");
    }

    [Fact]
    public async Task Every_operation_has_a_unique_id_a_description_and_its_error_answers()
    {
        var doc = await HttpAssert.Json(await api.Client().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var ids = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "delete" or "patch"))
            {
                var where = $"{op.Name.ToUpperInvariant()} {path.Name}";
                ids.Add(op.Value.GetProperty("operationId").GetString()!);
                Assert.False(string.IsNullOrWhiteSpace(op.Value.GetProperty("description").GetString()), where);
                var responses = op.Value.GetProperty("responses");
                Assert.True(responses.EnumerateObject().Any(r => r.Name.StartsWith('4')), $"{where} lists no 4xx answer");
                var anonymous = op.Value.TryGetProperty("security", out var s) && s.GetArrayLength() == 0;
                if (!anonymous) Assert.True(responses.TryGetProperty("401", out _), $"{where} lists no 401");
            }
        Assert.True(ids.Count > 80, $"only {ids.Count} operations");
        Assert.Empty(ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key));
        foreach (var server in doc.GetProperty("servers").EnumerateArray())
        {
            var url = server.GetProperty("url").GetString()!;
            Assert.True(url == "/" || !url.EndsWith('/'), $"server {url} ends with a slash");
        }
    }

    [Theory]
    [InlineData("GET", "/api/v1/contact-lists", "listContactLists")]
    [InlineData("POST", "/api/v1/contact-lists", "createContactList")]
    [InlineData("GET", "/api/v1/contact-lists/{id}", "getContactList")]
    [InlineData("DELETE", "/api/v1/suppression-lists/{id}/entries/{value}", "deleteSuppressionListEntry")]
    [InlineData("POST", "/api/v1/campaigns/{id}/start", "startCampaign")]
    [InlineData("GET", "/api/v1/campaigns/{id}/stats", "getCampaignStats")]
    [InlineData("GET", "/api/v1/me", "getMe")]
    [InlineData("POST", "/api/v1/message-templates/{id}/preview", "previewMessageTemplate")]
    [InlineData("PUT", "/api/v1/rule-sets/{id}", "replaceRuleSet")]
    [InlineData("GET", "/api/v1/policies", "listPolicies")]
    [InlineData("GET", "/api/v1/contact-lists/{listId}/export", "exportContactList")]
    [InlineData("GET", "/api/v1/contact-lists/{listId}/exports/{exportId}", "getContactListExport")]
    public void Operation_names_read_like_methods(string method, string route, string expected) =>
        Assert.Equal(expected, OperationNames.For(method, route));

    /// <summary>The checker itself, on small documents: each kind of break is found, and additions are not breaks.</summary>
    [Fact]
    public void The_checker_finds_each_kind_of_break_and_allows_additions()
    {
        const string before = """
            {"paths":{
              "/a":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}},
                    "post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"x":{"type":"string"},"y":{"type":"integer"}},"required":["x"]}}}},"responses":{"200":{}}}},
              "/b":{"get":{"responses":{"200":{}}}}},
             "components":{"schemas":{"A":{"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/components/schemas/A"}}}}}}}
            """;
        const string compatible = """
            {"paths":{
              "/a":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}},
                    "post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"x":{"type":"string"},"y":{"type":"integer"},"z":{"type":"string"}},"required":["x"]}}}},"responses":{"200":{}}}},
              "/b":{"get":{"parameters":[{"name":"q","in":"query"}],"responses":{"200":{}}}},
              "/c":{"get":{"responses":{"200":{}}}}},
             "components":{"schemas":{"A":{"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer"},"more":{"type":"string"},"kids":{"type":"array","items":{"$ref":"#/components/schemas/A"}}}}}}}
            """;
        const string broken = """
            {"paths":{
              "/a":{"get":{"parameters":[{"name":"q","in":"query","required":true}],"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}},
                    "post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"x":{"type":"string"},"y":{"type":"integer"}},"required":["x","y"]}}}},"responses":{"200":{}}}}},
             "components":{"schemas":{"A":{"type":"object","properties":{"id":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/components/schemas/A"}}}}}}}
            """;
        var old = JsonDocument.Parse(before).RootElement;
        Assert.Empty(OpenApiBreakingChanges.Find(old, JsonDocument.Parse(compatible).RootElement));
        var breaks = OpenApiBreakingChanges.Find(old, JsonDocument.Parse(broken).RootElement);
        Assert.Contains("path /b was removed", breaks);
        Assert.Contains("GET /a: new required parameter query:q", breaks);
        Assert.Contains("POST /a: request application/json: field y is now required", breaks);
        Assert.Contains("GET /a: response 200: field n was removed", breaks);
        Assert.Contains("GET /a: response 200.id: type changed from string to integer", breaks);
        Assert.Equal(5, breaks.Count);
    }
}
