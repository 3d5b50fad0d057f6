using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Role-bound grains run only on silos that play their role: with no campaign silo up, a contact list (a campaign-role
/// grain) cannot be created and the API says which role is missing; once one joins the cluster, the same call works.
/// </summary>
// Not beside the other role-restricted server: Hangfire keeps some state per process, and two such servers
// starting together have been seen to count each other's Hangfire servers.
[Collection("restricted roles")]
public sealed class RolePlacementTests
{
    [Fact]
    public async Task Campaign_role_grains_wait_for_a_campaign_silo()
    {
        var cluster = "roles-" + Guid.NewGuid().ToString("N");
        var api = new ApiFactory().With("CXC_ROLES", "api,scheduler").With("CXC_CLUSTER_ID", cluster).With("CXC_SERVICE_ID", cluster);
        await api.InitializeAsync();
        try
        {
            var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Roles " + Guid.NewGuid().ToString("N")[..6] }),
                HttpStatusCode.Created);
            var admin = api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
            var refused = await HttpAssert.Problem(await admin.PostJson("/api/v1/contact-lists", new { name = "Waiting" }), HttpStatusCode.ServiceUnavailable);
            Assert.Contains("\"campaign\"", refused.GetProperty("detail").GetString());

            var url = $"http://127.0.0.1:{LocalProcess.FreePort()}";
            await using var campaignSilo = ServerProcess.Start(new Dictionary<string, string>
            {
                ["CXC_POSTGRES"] = api.Postgres, ["CXC_REDIS"] = LocalRedis.ConfigurationString, ["CXC_CLUSTER_ID"] = cluster, ["CXC_SERVICE_ID"] = cluster,
                ["CXC_ROLES"] = "compliance,campaign", ["ASPNETCORE_URLS"] = url,
                ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(), ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
            });
            await campaignSilo.WaitForAsync(url + "/health/ready", body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(120));

            // The API silo learns of the new silo's metadata from membership within moments.
            var created = await Eventually.UntilAsync(() => admin.PostJson("/api/v1/contact-lists", new { name = "Placed" }),
                r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
            var list = await HttpAssert.Json(created, HttpStatusCode.Created);
            await HttpAssert.Json(await admin.GetAsync($"/api/v1/contact-lists/{list.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }
}
