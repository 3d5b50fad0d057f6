using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>After a restart of the server, tenants, keys and grain-held settings are all still there.</summary>
public sealed class RestartTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Tenants_keys_and_settings_survive_a_restart()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants",
            new { name = "Durable", defaultCountry = "CA", defaultTimeZone = "America/Toronto" }), HttpStatusCode.Created);
        var tenantId = created.GetProperty("tenant").GetProperty("id").GetGuid();
        var key = created.GetProperty("adminKey").GetProperty("key").GetString()!;

        await api.RestartAsync();

        var me = await HttpAssert.Json(await api.Client(key).GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Equal(tenantId, me.GetProperty("tenant").GetProperty("id").GetGuid());
        Assert.Equal("America/Toronto", me.GetProperty("tenant").GetProperty("settings").GetProperty("defaultTimeZone").GetString());
        var tenants = await HttpAssert.Json(await api.Admin().GetAsync("/api/v1/tenants"), HttpStatusCode.OK);
        Assert.Contains(tenants.EnumerateArray(), t => t.GetProperty("id").GetGuid() == tenantId);
    }
}
