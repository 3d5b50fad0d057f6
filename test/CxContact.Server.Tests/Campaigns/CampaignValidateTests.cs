using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>An attempt that names a campaign is validated as that campaign's call: its purpose, dialing mode and rule set.</summary>
public sealed class CampaignValidateTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    [Fact]
    public async Task Validate_with_a_campaign_id_takes_the_campaigns_purpose_and_mode_unless_the_request_says_otherwise()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(1);
        var collections = await c.CreateAsync(new
        {
            name = "Collections " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } },
            purpose = "debt-collection", dialingMode = "predictive",
        });
        // Saturday 08:30 in Toronto: the CRTC's telemarketing hours (sales and informational calls) start at 10:00 on
        // weekends; Ontario's collection rule (R.R.O. 1990, Reg. 74) allows 07:00-21:00 except Sundays.
        const string At = "2026-12-12T08:30:00-05:00";
        async Task<string> DecisionAsync(object body) =>
            (await HttpAssert.Json(await c.Http.PostJson("/api/v1/compliance/validate", body), HttpStatusCode.OK)).GetProperty("decision").GetString()!;

        Assert.Equal("deny", await DecisionAsync(new { phone = "+14165550100", at = At, dialingMode = "predictive" }));
        Assert.Equal("allow", await DecisionAsync(new { phone = "+14165550100", at = At, campaignId = collections.ToString() }));
        Assert.Equal("deny", await DecisionAsync(new { phone = "+14165550100", at = At, campaignId = collections.ToString(), purpose = "sales" }));

        var batch = await HttpAssert.Json(await c.Http.PostJson("/api/v1/compliance/validate-batch", new
        {
            items = new object[]
            {
                new { phone = "+14165550100", at = At, campaignId = collections.ToString() },
                new { phone = "+14165550100", at = At, dialingMode = "predictive" },
            },
        }), HttpStatusCode.OK);
        Assert.Equal(["allow", "deny"], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("decision").GetString()));
        await HttpAssert.Problem(await c.Http.PostJson("/api/v1/compliance/validate", new { phone = "+14165550100", campaignId = Guid.NewGuid().ToString() }),
            HttpStatusCode.BadRequest);
    }
}
