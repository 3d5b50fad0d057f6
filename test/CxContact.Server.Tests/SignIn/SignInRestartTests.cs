using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.SignIn;

/// <summary>
/// A session outlives a restart and works on every silo: the data protection keys that seal the cookie live in
/// PostgreSQL, shared by the deployment; the tenants' mappings are kept there too.
/// </summary>
public sealed class SignInRestartTests(SignInFixture fx) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task A_session_and_the_mapping_survive_a_restart_and_another_silo_accepts_the_cookie()
    {
        var admins = SignInFixture.Group("admins");
        var tenant = await fx.TenantAsync((admins, "admin"));
        using var browser = await fx.SignedInAsync($"rita:{admins}");
        var cookie = browser.Cookie(fx.Api.BaseAddress.Host, "__Host-cxc-session")!;

        await fx.Api.RestartAsync();
        var me = await fx.MeAsync(browser);
        Assert.Equal(tenant.Id, me.GetProperty("tenant").GetProperty("id").GetGuid());
        // The restarted server has a port of its own, so a client of the old one is gone: ask as the operator.
        var mapping = await HttpAssert.Json(await fx.Api.Admin().GetAsync($"/api/v1/tenants/{tenant.Id}/group-roles"), HttpStatusCode.OK);
        Assert.Equal(admins, mapping.GetProperty("mappings")[0].GetProperty("group").GetString());
        using (var again = await fx.SignedInAsync($"rita:{admins}"))
            Assert.Equal("admin", (await fx.MeAsync(again)).GetProperty("key").GetProperty("role").GetString());

        var sibling = fx.Api.Sibling();
        try
        {
            await sibling.InitializeAsync();
            using var elsewhere = new CookieBrowser();
            elsewhere.Set(sibling.BaseAddress.Host, "__Host-cxc-session", cookie);
            var there = await HttpAssert.Json(await elsewhere.GetAsync(new Uri(sibling.BaseAddress, "/api/v1/me")), HttpStatusCode.OK);
            Assert.Equal(tenant.Id, there.GetProperty("tenant").GetProperty("id").GetGuid());
        }
        finally { await sibling.DisposeAsync(); }
    }
}
