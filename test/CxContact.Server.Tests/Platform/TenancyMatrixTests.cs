using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The tenancy matrix, generated from the API's own document: every operation whose path names a resource is called
/// with tenant A's ids by each role of tenant B. Every answer must be 403 or 404 (or 400/415 for a body refused before
/// any lookup), never a success, a conflict that would reveal the resource's state, or a server error; and afterwards
/// tenant A's resources read back exactly as before. A new endpoint is covered the day it is added.
/// </summary>
public sealed partial class TenancyMatrixTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly HashSet<HttpStatusCode> Refusals =
        [HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType];

    [Fact]
    public async Task Every_operation_with_another_tenants_ids_is_refused_for_every_role_and_changes_nothing()
    {
        // Tenant A, with one of everything.
        var a = await CampaignClient.NewTenantAsync(api);
        var list = await a.ListAsync(0, "client_id,phone1,tz\nA,+4930123401,Europe/Berlin\n");
        var contact = await a.ContactIdAsync(list, "A");
        var suppression = await a.Suppression.CreateListAsync(new { name = "A's DNC" });
        await a.Suppression.AddAsync(suppression, new { type = "phone", value = "+4930123499" });
        var campaign = await a.CreateAsync(list);
        var schedule = (await HttpAssert.Json(await a.Http.PostJson("/api/v1/schedules", new
        {
            name = "A nightly", cron = "0 2 * * *", timeZone = "UTC", action = new { type = "preload-campaign", campaignId = campaign },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var connection = await a.Http.CreateSftpConnectionAsync();
        var template = (await HttpAssert.Json(await a.Http.PostJson("/api/v1/message-templates", new
        {
            name = "A notice", channel = "sms", purpose = "informational", body = "Hello {{ first_name }}",
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var gateway = (await HttpAssert.Json(await a.Http.PostJson("/api/v1/messaging-gateways", new
        {
            name = "A kannel", kind = "kannel", username = "u", password = "p",
            settings = new { sendsmsUrl = "http://127.0.0.1:9/cgi-bin/sendsms", from = "1", callbackBaseUrl = api.BaseAddress.ToString() },
        }), HttpStatusCode.Created)).GetProperty("gateway").GetProperty("id").GetGuid();
        // Rule-set ids are names in each tenant's own namespace: A's is one B has not used.
        var ruleSet = "acme-" + Guid.NewGuid().ToString("N")[..8];
        await HttpAssert.Json(await a.Http.PutAsync($"/api/v1/rule-sets/{ruleSet}", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        var me = await HttpAssert.Json(await a.Http.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        var (tenantId, keyId) = (me.GetProperty("tenant").GetProperty("id").GetGuid(), me.GetProperty("key").GetProperty("id").GetGuid());
        var import = (await HttpAssert.Json(await a.Http.GetAsync($"/api/v1/contact-lists/{list}/imports"), HttpStatusCode.OK))[0].GetProperty("id").GetGuid();
        var suppressionImport = (await a.Suppression.ImportAsync(suppression, "phone\n+4930123498\n")).GetProperty("id").GetGuid();

        string Id(string section, string name) => (section, name) switch
        {
            ("contact-lists", "listId") => list.ToString(), ("suppression-lists", "listId") => suppression.ToString(),
            ("campaigns", "id" or "campaignId") => campaign.ToString(), (_, "contactId") => contact.ToString(),
            ("schedules", "id") => schedule.ToString(), ("sftp-connections", "connectionId") => connection.ToString(),
            ("message-templates", "templateId") => template.ToString(), (_, "gatewayId") => gateway.ToString(),
            ("rule-sets", "id") => ruleSet, ("rule-sets", "a" or "b") => "1", ("tenants", "tenantId") => tenantId.ToString(),
            ("api-keys", "keyId") => keyId.ToString(), ("contact-lists", "importId") => import.ToString(),
            ("suppression-lists", "importId") => suppressionImport.ToString(), ("contact-lists", "exportId") => Guid.NewGuid().ToString(),
            _ => throw new InvalidOperationException($"no id of tenant A for {{{name}}} under /{section}: add one to this test"),
        };

        var before = await SnapshotAsync(a.Http, ruleSet, list, suppression, campaign, schedule, connection, template, gateway);

        // Tenant B, a key of every role.
        var b = await CampaignClient.NewTenantAsync(api);
        var keys = new Dictionary<string, HttpClient> { ["admin"] = b.Http, ["dialer"] = b.Dialer };
        foreach (var role in new[] { "supervisor", "viewer" })
            keys[role] = api.Client((await HttpAssert.Json(await b.Http.PostJson("/api/v1/api-keys", new { name = role, role }), HttpStatusCode.Created))
                .GetProperty("key").GetString()!);

        var doc = await HttpAssert.Json(await api.Client().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var calls = 0;
        var leaks = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            if (!path.Name.StartsWith("/api/v1/", StringComparison.Ordinal) || !path.Name.Contains('{')) continue;
            var section = path.Name.Split('/')[3];
            foreach (var op in path.Value.EnumerateObject())
            {
                // Operations open to no key (Kannel's callbacks prove themselves with their own secret) are not a key's to try.
                if (op.Value.TryGetProperty("security", out var security) && security.GetArrayLength() == 0) continue;
                // PUT /rule-sets/{id} saves a set under that name in the caller's own tenant: it cannot reach A's.
                if (op.Name == "put" && section == "rule-sets") continue;
                var url = Placeholder().Replace(path.Name, m => Id(section, m.Groups[1].Value));
                foreach (var (role, http) in keys)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(op.Name.ToUpperInvariant()), url);
                    if (op.Name is "post" or "put" or "patch") request.Content = new StringContent(Body(section), Encoding.UTF8, "application/json");
                    var answer = await http.SendAsync(request);
                    calls++;
                    if (!Refusals.Contains(answer.StatusCode))
                        leaks.Add($"{role} {op.Name.ToUpperInvariant()} {path.Name}: {(int)answer.StatusCode} {Clip(await answer.Content.ReadAsStringAsync())}");
                }
            }
        }
        Assert.True(calls > 200, $"only {calls} calls: is the document being read?");
        Assert.True(leaks.Count == 0, $"{leaks.Count} of {calls} calls with tenant A's ids were not refused:\n" + string.Join("\n", leaks));
        Assert.Equal(before, await SnapshotAsync(a.Http, ruleSet, list, suppression, campaign, schedule, connection, template, gateway));
    }

    /// <summary>A body that would be valid in the caller's own tenant, so that a refusal is about the ids, not the body.</summary>
    private static string Body(string section) => section switch
    {
        "campaigns" => """{"name":"Taken over","contactLists":[]}""",
        "schedules" => """{"name":"Taken over","cron":"0 3 * * *","timeZone":"UTC","action":{"type":"rebuild-suppression-index"}}""",
        "message-templates" => """{"name":"Taken over","channel":"sms","purpose":"informational","body":"Hi"}""",
        _ => """{"name":"Taken over"}""",
    };

    /// <summary>Tenant A's resources as its admin reads them, without what changes by itself (next runs, live figures).</summary>
    private static async Task<string> SnapshotAsync(HttpClient a, string ruleSet, params Guid[] ids)
    {
        var urls = new[]
        {
            $"/api/v1/contact-lists/{ids[0]}", $"/api/v1/suppression-lists/{ids[1]}", $"/api/v1/campaigns/{ids[2]}", $"/api/v1/schedules/{ids[3]}",
            $"/api/v1/sftp-connections/{ids[4]}", $"/api/v1/message-templates/{ids[5]}", $"/api/v1/messaging-gateways/{ids[6]}",
            $"/api/v1/rule-sets/{ruleSet}/versions", "/api/v1/api-keys", $"/api/v1/suppression-lists/{ids[1]}/entries",
        };
        var sb = new StringBuilder();
        foreach (var url in urls)
        {
            var node = JsonNode.Parse((await HttpAssert.Json(await a.GetAsync(url), HttpStatusCode.OK)).GetRawText());
            if (node is JsonObject o) foreach (var volatileField in new[] { "nextRuns", "lastUsedAt" }) o.Remove(volatileField);
            sb.Append(url).Append(' ').Append(node!.ToJsonString()).Append('\n');
        }
        return sb.ToString();
    }

    private static string Clip(string s) => s.Length > 200 ? s[..200] + "…" : s;

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
