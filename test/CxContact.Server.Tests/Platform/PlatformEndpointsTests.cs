using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>Health probes, OpenAPI, metrics and the Hangfire dashboard, and who may see them.</summary>
public sealed class PlatformEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/startup")]
    [InlineData("/health/ready")]
    public async Task Health_probes_answer_without_a_key(string path)
    {
        var json = await HttpAssert.Json(await api.Client().GetAsync(path), HttpStatusCode.OK);
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_checks_postgres_redis_and_the_silo()
    {
        var json = await HttpAssert.Json(await api.Client().GetAsync("/health/ready"), HttpStatusCode.OK);
        var checks = json.GetProperty("checks");
        foreach (var name in new[] { "postgres", "redis", "silo" })
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        // Liveness must never depend on I/O: it runs no checks at all.
        var live = await HttpAssert.Json(await api.Client().GetAsync("/health/live"), HttpStatusCode.OK);
        Assert.Empty(live.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task The_openapi_document_and_reference_page_are_served()
    {
        var doc = await HttpAssert.Json(await api.Client().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/me", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tenants", out _));
        Assert.True(doc.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));

        var page = await api.Client().GetAsync("/api-reference/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_need_a_system_admin_key_and_include_runtime_and_http()
    {
        await HttpAssert.Problem(await api.Client().GetAsync("/metrics"), HttpStatusCode.Unauthorized);
        await api.Admin().GetAsync("/api/v1/me"); // make sure there is HTTP traffic to report
        var response = await api.Admin().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.Contains("dotnet_", text);
        Assert.Contains("orleans_", text);
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_system_admins_only()
    {
        await HttpAssert.Problem(await api.Client().GetAsync("/hangfire"), HttpStatusCode.Unauthorized);
        var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "HF " + Guid.NewGuid().ToString("N")[..6] }), HttpStatusCode.Created);
        var tenantAdmin = tenant.GetProperty("adminKey").GetProperty("key").GetString()!;
        await HttpAssert.Problem(await api.Client(tenantAdmin).GetAsync("/hangfire"), HttpStatusCode.Forbidden);

        var page = await api.Admin().GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Hangfire", await page.Content.ReadAsStringAsync());
    }
}
