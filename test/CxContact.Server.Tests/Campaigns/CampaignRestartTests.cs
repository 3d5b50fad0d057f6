using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>
/// A silo that goes away and comes back resumes a running campaign where it was, simulator included. The contacts
/// are in Germany, where the default rule set sets no calling hours, and the platform clock is moved a minute on across
/// the restart: Orleans keeps the real clock, so the silo's membership is not disturbed.
/// </summary>
public sealed class CampaignRestartTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    [Fact]
    public async Task A_running_campaign_its_leases_and_its_simulator_survive_a_restart()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(0, "client_id,phone1,country,tz\n" + string.Concat(Enumerable.Range(1, 30).Select(i => $"D{i},+4930123456{i:00},DE,Europe/Berlin\n")));
        var id = await c.CreateAsync(new { name = "Survivor", contactLists = new[] { new { id = list, weight = 1 } } });
        await c.StartAsync(id);
        var lease = await c.LeaseAsync(id, 2);
        await HttpAssert.Json(await c.Http.PostJson($"/api/v1/campaigns/{id}/simulate", new
        {
            agents = 1, talkSeconds = 600, ringSeconds = 60, speed = 1, resultWeights = new Dictionary<string, double> { ["answered"] = 1 },
        }), HttpStatusCode.Accepted);

        f.Clock.Advance(TimeSpan.FromMinutes(1));
        await f.Api.RestartAsync();
        c = new CampaignClient(f.Api.Client(c.Http.DefaultRequestHeaders.Authorization!.Parameter), f.Api.Client(c.Dialer.DefaultRequestHeaders.Authorization!.Parameter));

        Assert.Equal("running", (await c.GetAsync(id)).GetProperty("state").GetString());
        var record = CampaignClient.Records(lease).First().GetProperty("recordId").GetInt64();
        await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), record, "answered"), HttpStatusCode.OK);
        var sim = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/campaigns/{id}/simulation"), HttpStatusCode.OK);
        Assert.True(sim.GetProperty("running").GetBoolean(), sim.ToString());
        Assert.Equal(HttpStatusCode.OK, (await c.ActAsync(id, "force-stop")).StatusCode);
    }
}
