using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// A tenant's own limits: only a system admin sets them (checked at the edge, audited), the tenant sees them in GET /me,
/// they apply to that tenant alone (requests, landing quota), and they read back after a restart.
/// </summary>
public sealed class TenantLimitsTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();
    public Task DisposeAsync() => _api.DisposeAsync();

    private async Task<(Guid Id, HttpClient Admin)> TenantAsync()
    {
        var t = await HttpAssert.Json(await _api.Admin().PostJson("/api/v1/tenants", new { name = "Own limits " + Guid.NewGuid().ToString("N")[..6] }), HttpStatusCode.Created);
        return (t.GetProperty("tenant").GetProperty("id").GetGuid(), _api.Client(t.GetProperty("adminKey").GetProperty("key").GetString()!));
    }

    private static async Task<System.Text.Json.JsonElement> LimitsAsync(HttpClient http) =>
        (await HttpAssert.Json(await http.GetAsync("/api/v1/me"), HttpStatusCode.OK)).GetProperty("limits");

    [Fact]
    public async Task A_system_admin_sets_a_tenants_own_limits_which_that_tenant_alone_works_within_after_a_restart_too()
    {
        var (a, aAdmin) = await TenantAsync();
        var (_, bAdmin) = await TenantAsync();

        // Refused at the edge, field by field; a tenant cannot raise its own.
        var bad = await HttpAssert.Problem(await _api.Admin().PutAsJsonAsync($"/api/v1/tenants/{a}/limits",
            new { requestsPerSecondPerKey = 0, importsAtOnce = 1000, maxUploadMb = 20, landingQuotaMb = 10 }), HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        foreach (var field in new[] { "requestsPerSecondPerKey", "importsAtOnce", "maxUploadMb" }) Assert.True(errors.TryGetProperty(field, out _), field);
        await HttpAssert.Problem(await aAdmin.PutAsJsonAsync($"/api/v1/tenants/{a}/limits", new { requestsPerSecondPerKey = 100000 }), HttpStatusCode.Forbidden);
        await HttpAssert.Problem(await _api.Admin().PutAsJsonAsync($"/api/v1/tenants/{Guid.NewGuid()}/limits", new { importsAtOnce = 1 }), HttpStatusCode.NotFound);

        var set = await HttpAssert.Json(await _api.Admin().PutAsJsonAsync($"/api/v1/tenants/{a}/limits",
            new { requestsPerSecondPerKey = 3, requestsPerSecondPerTenant = 50, messagesPerSecond = 7, importsAtOnce = 1, maxUploadMb = 1, landingQuotaMb = 1 }), HttpStatusCode.OK);
        Assert.Equal(3, set.GetProperty("effective").GetProperty("requestsPerSecondPerKey").GetInt32());

        var mine = await LimitsAsync(aAdmin);
        Assert.Equal((3, 50, 7, 1, 1024L * 1024, 1024L * 1024), (mine.GetProperty("requestsPerSecondPerKey").GetInt32(), mine.GetProperty("requestsPerSecondPerTenant").GetInt32(),
            mine.GetProperty("messagesPerSecondPerTenant").GetInt32(), mine.GetProperty("importsPerTenant").GetInt32(), mine.GetProperty("maxUploadBytes").GetInt64(),
            mine.GetProperty("landingQuotaBytes").GetInt64()));
        var theirs = await LimitsAsync(bAdmin);
        Assert.Equal(500, theirs.GetProperty("requestsPerSecondPerKey").GetInt32());

        // The change is in the tenant's audit log, by the system admin's key.
        var audit = await HttpAssert.Json(await aAdmin.GetAsync("/api/v1/audit-log?action=tenant.limits-changed"), HttpStatusCode.OK);
        Assert.Single(audit.EnumerateArray());

        // Three a second (bursts of six) for A's key; B's key, at the platform's 500, is not held.
        var burstA = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => aAdmin.GetAsync("/api/v1/me")));
        var refused = burstA.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains("3 requests a second", (await HttpAssert.Problem(refused, HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString());
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => bAdmin.GetAsync("/api/v1/me"))), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await _api.RestartAsync();
        var after = await HttpAssert.Json(await _api.Admin().GetAsync($"/api/v1/tenants/{a}/limits"), HttpStatusCode.OK);
        Assert.Equal((3, 1), (after.GetProperty("own").GetProperty("requestsPerSecondPerKey").GetInt32(), after.GetProperty("own").GetProperty("landingQuotaMb").GetInt32()));
    }

    [Fact]
    public async Task An_upload_that_would_overfill_the_tenants_landing_quota_is_refused_and_leaves_nothing_behind()
    {
        var (a, aAdmin) = await TenantAsync();
        var (_, bAdmin) = await TenantAsync();
        await HttpAssert.Json(await _api.Admin().PutAsJsonAsync($"/api/v1/tenants/{a}/limits", new { landingQuotaMb = 1 }), HttpStatusCode.OK);
        var lists = new Lists.ListClient(aAdmin);
        var list = await lists.CreateListAsync();

        // Another upload of A's is waiting on the landing volume: 700 KB of its 1 MB.
        var tenantDir = Directory.CreateDirectory(Path.Combine(_api.LandingDirectory, a.ToString("N"))).FullName;
        var waiting = Path.Combine(tenantDir, "waiting.upload");
        await File.WriteAllBytesAsync(waiting, new byte[700 * 1024]);

        var csv = "phone1\n" + string.Concat(Enumerable.Range(0, 40_000).Select(i => $"+1202555{i % 10000:0000}\n")); // ~500 KB
        var full = await HttpAssert.Problem(await UploadAsync(aAdmin, list, csv), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("landing-quota", full.GetProperty("reason").GetString());
        Assert.Equal(700 * 1024, full.GetProperty("landingBytesInUse").GetInt64());
        Assert.Equal([waiting], Directory.GetFiles(tenantDir));
        Assert.Equal(700 * 1024, (await LimitsAsync(aAdmin)).GetProperty("landingBytesInUse").GetInt64());

        // Another tenant's quota is its own; and once A's waiting file is gone, the same upload lands.
        var bList = await new Lists.ListClient(bAdmin).CreateListAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(bAdmin, bList, csv)).StatusCode);
        File.Delete(waiting);
        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(aAdmin, list, csv)).StatusCode);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient http, Guid list, string csv)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "contacts.csv");
        form.Add(new StringContent("append"), "mode");
        return http.PostAsync($"/api/v1/contact-lists/{list}/imports", form);
    }
}
