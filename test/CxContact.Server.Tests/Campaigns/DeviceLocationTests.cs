using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using Npgsql;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>
/// Each device's country, area code and its region are stored at import and read by the preload, the lease and "why";
/// /compliance/validate works them out from the number the same way. Numbers of +1 that are not the US (Puerto Rico,
/// Jamaica, Canada's north) were leased as "US" when the preload guessed the country from '+1%'.
/// </summary>
public sealed class DeviceLocationTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    // No address, no tz: each number alone says where its contact is.
    private const string Contacts = """
        client_id,phone1
        PR,+17875550100
        JM,+18765550100
        YT,+18673935555
        GB,+442079460000
        FL,+13055550100
        """;

    private static readonly Dictionary<string, string> Countries = new()
    {
        ["PR"] = "PR", ["JM"] = "JM", ["YT"] = "CA", ["GB"] = "GB", ["FL"] = "US",
    };

    [Fact]
    public async Task Lease_validate_and_why_agree_on_where_each_number_is_across_a_backfill()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(0, Contacts);
        var id = await c.CreateAsync(new
        {
            name = "Places " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } },
            devices = new { order = new[] { "phone1" }, types = new[] { "unknown", "mobile", "landline", "voip" } },
        });
        var campaign = await c.GetAsync(id);
        await c.StartAsync(id);
        var first = await AnswersAsync(c, id, list, campaign);

        // Rows imported before the device facts were kept: the preload stores them first, and nothing changes.
        await using (var db = NpgsqlDataSource.Create(f.Api.Postgres))
        await using (var cmd = db.CreateCommand("UPDATE contact_records SET phone_countries = NULL, phone_regions = NULL, phone_area_codes = NULL WHERE list_id = @l"))
        {
            cmd.Parameters.AddWithValue("l", list);
            Assert.Equal(5, await cmd.ExecuteNonQueryAsync());
        }
        Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(id, "preload")).StatusCode);
        await c.SettledAsync(id);
        Assert.Equal(first, await AnswersAsync(c, id, list, campaign));

        // What was agreed on is what the numbers are, and a lease hands out exactly what validate allows.
        foreach (var (who, (jurisdictions, decision)) in first)
        {
            Assert.Equal(Countries[who], jurisdictions.Split(' ')[0].Split('-')[0]);
            if (who != "FL") Assert.DoesNotContain("US", jurisdictions.Split(' '));
        }
        Assert.Contains("US-FL", first["FL"].Jurisdictions);
        Assert.StartsWith("CA-", first["YT"].Jurisdictions.Split(' ')[1]);
        var lease = await c.LeaseAsync(id, 10);
        var leased = CampaignClient.Records(lease).Select(r => r.GetProperty("phone").GetString()!).Order().ToList();
        var allowed = first.Where(a => a.Value.Decision == "allow").Select(a => Phone(a.Key)).Order().ToList();
        Assert.NotEmpty(allowed);
        Assert.Equal(allowed, leased);
    }

    private static string Phone(string who) => Contacts.Split('\n').Single(l => l.StartsWith(who + ",", StringComparison.Ordinal)).Split(',')[1];

    /// <summary>For each contact: the jurisdictions and decision of "why" (the lease path), after checking that validate says the same.</summary>
    private static async Task<SortedDictionary<string, (string Jurisdictions, string Decision)>> AnswersAsync(CampaignClient c, Guid id, Guid list, JsonElement campaign)
    {
        var answers = new SortedDictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var who in Countries.Keys)
        {
            var why = await c.WhyAsync(id, await c.ContactIdAsync(list, who));
            var decision = why.GetProperty("devices").EnumerateArray().Single().GetProperty("compliance");
            if (decision.ValueKind != JsonValueKind.Object)
                Assert.Fail($"{who}: {why} validate: {await (await c.Http.PostJson("/api/v1/compliance/validate", new { phone = Phone(who), dialingMode = "preview" })).Content.ReadAsStringAsync()}");
            var validated = await HttpAssert.Json(await c.Http.PostJson("/api/v1/compliance/validate", new
            {
                phone = Phone(who), dialingMode = campaign.GetProperty("dialingMode").GetString(),
                purpose = campaign.TryGetProperty("purpose", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
                campaignId = id.ToString(),
            }), HttpStatusCode.OK);
            var fromWhy = (Jurisdictions(decision), decision.GetProperty("decision").GetString()!);
            Assert.Equal((Jurisdictions(validated), validated.GetProperty("decision").GetString()!), fromWhy);
            answers[who] = fromWhy;
        }
        return answers;
    }

    private static string Jurisdictions(JsonElement decision) =>
        string.Join(' ', decision.GetProperty("jurisdictions").EnumerateArray().Select(j => j.GetString()!.Split(' ')[0]));
}
