using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>The built-in dialer simulator drives a real campaign through the pull API to completion.</summary>
public sealed class SimulatorTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    private static async Task<JsonElement> UntilAsync(CampaignClient c, Guid id, Func<JsonElement, bool> done, int seconds = 60)
    {
        var r = await Eventually.UntilAsync(async () => await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/campaigns/{id}/simulation"), HttpStatusCode.OK),
            done, TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(200));
        return done(r) ? r : throw new TimeoutException(r.ToString());
    }

    [Fact]
    public async Task A_progressive_simulation_dials_every_contact_without_abandoning_and_completes_the_campaign()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(40);
        var id = await c.CreateAsync(new { name = "Sim", contactLists = new[] { new { id = list, weight = 1 } }, dialingMode = "progressive" });
        await HttpAssert.Problem(await c.Http.PostJson($"/api/v1/campaigns/{id}/simulate", new { agents = 5 }), HttpStatusCode.Conflict);
        await c.StartAsync(id);
        await HttpAssert.FieldError(await c.Http.PostJson($"/api/v1/campaigns/{id}/simulate", new { agents = 0 }), "agents");
        await HttpAssert.FieldError(await c.Http.PostJson($"/api/v1/campaigns/{id}/simulate",
            new { resultWeights = new Dictionary<string, double> { ["teleported"] = 1 } }), "resultWeights.teleported");

        await HttpAssert.Json(await c.Http.PostJson($"/api/v1/campaigns/{id}/simulate", new
        {
            agents = 5, talkSeconds = 60, wrapSeconds = 5, ringSeconds = 10, speed = 2000, seed = 7,
            resultWeights = new Dictionary<string, double> { ["answered"] = 0.6, ["wrong-party"] = 0.1, ["invalid-number"] = 0.3 },
        }), HttpStatusCode.Accepted);
        var report = await UntilAsync(c, id, r => !r.GetProperty("running").GetBoolean());

        Assert.Equal(40, report.GetProperty("dialed").GetInt64());
        Assert.Equal(0, report.GetProperty("abandoned").GetInt64());
        Assert.True(report.GetProperty("connected").GetInt64() > 0);
        Assert.True(report.GetProperty("agentUtilisation").GetDouble() > 0);
        Assert.True(report.GetProperty("contactsPerHour").GetDouble() > 0);
        Assert.Equal("progressive", report.GetProperty("pacing").GetString());
        Assert.Equal("completed", (await c.GetAsync(id)).GetProperty("state").GetString());
        var stats = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/campaigns/{id}/stats"), HttpStatusCode.OK);
        Assert.Equal(40, stats.GetProperty("totals").GetProperty("dialed").GetInt64());
    }

    [Fact]
    public async Task Predictive_pacing_dials_ahead_of_free_agents_and_keeps_abandonment_near_its_target()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(400);
        var id = await c.CreateAsync(new { name = "Predictive", contactLists = new[] { new { id = list, weight = 1 } }, dialingMode = "predictive", abandonTarget = 0.05 });
        await c.StartAsync(id);
        await HttpAssert.Json(await c.Http.PostJson($"/api/v1/campaigns/{id}/simulate", new
        {
            agents = 10, talkSeconds = 30, wrapSeconds = 2, ringSeconds = 15, speed = 3000, seed = 11,
            resultWeights = new Dictionary<string, double> { ["answered"] = 0.3, ["no-answer"] = 0.7 },
        }), HttpStatusCode.Accepted);
        var report = await UntilAsync(c, id, r => !r.GetProperty("running").GetBoolean() || r.GetProperty("dialed").GetInt64() >= 300, 90);

        Assert.Equal("predictive", report.GetProperty("pacing").GetString());
        Assert.True(report.GetProperty("dialRatio").GetDouble() > 1.0, report.ToString());
        // The ratio backs off once abandonment passes the target; over a few hundred calls it stays near it.
        Assert.True(report.GetProperty("abandonRate").GetDouble() <= 0.15, report.ToString());
        Assert.Equal(HttpStatusCode.OK, (await c.ActAsync(id, "force-stop")).StatusCode);
        await UntilAsync(c, id, r => !r.GetProperty("running").GetBoolean());
    }
}
