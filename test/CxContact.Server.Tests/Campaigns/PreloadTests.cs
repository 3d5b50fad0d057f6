using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>Preload in PostgreSQL: every record left out keeps its reason; "why" explains one contact; re-preload merges.</summary>
public sealed class PreloadTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    private const string Contacts = """
        client_id,first_name,phone1,phone2,email1,tz
        A,Ann,+12125550001,,,America/New_York
        B,Bob,+12125550002,,,America/New_York
        C,Cat,+12125550003,,c@example.com,America/New_York
        D,Skip,+12125550004,,,America/New_York
        E,Eve,+12125550005,+12125550015,,America/New_York
        G,Gus,+12125550007,,,America/New_York
        H,Hal,+18005550123,,,America/New_York
        """;

    private static long Reason(JsonElement report, string reason) =>
        report.GetProperty("reasons").TryGetProperty(reason, out var n) ? n.GetInt64() : 0;

    private async Task<(CampaignClient C, Guid Campaign, Guid List, Guid Dnc)> PreloadedAsync(bool start)
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        // Scoped to another campaign at first: naming it in this campaign's suppressionLists must attach it here too.
        var other = await c.CreateAsync(new { name = "Other " + Guid.NewGuid().ToString("N")[..6] });
        var dnc = await c.Suppression.CreateListAsync(new { name = "Campaign DNC", scope = "campaigns", campaignIds = new[] { other } });
        await c.Suppression.AddAsync(dnc, new { type = "phone", value = "+12125550001" }, new { type = "clientId", value = "B" },
            new { type = "email", value = "C@Example.com" },
            new { type = "phone", value = "+12125550007", expiresAt = f.Clock.GetUtcNow().AddDays(-1) });
        var list = await c.ListAsync(0, Contacts);
        var id = await c.CreateAsync(new
        {
            name = "Preload " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } }, suppressionLists = new[] { dnc },
            filter = new { field = "first_name", op = "!=", value = "skip" },
            devices = new { order = new[] { "phone1" }, types = new[] { "unknown", "mobile", "landline", "voip" } },
        });
        var attached = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{dnc}"), HttpStatusCode.OK);
        Assert.Contains(attached.GetProperty("campaignIds").EnumerateArray(), x => x.GetGuid() == id);
        if (start) await c.StartAsync(id);
        else
        {
            Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(id, "preload")).StatusCode);
            Assert.Equal("ready", (await c.SettledAsync(id)).GetProperty("state").GetString());
        }
        return (c, id, list, dnc);
    }

    [Fact]
    public async Task Every_record_left_out_keeps_its_reason()
    {
        var (c, id, _, _) = await PreloadedAsync(start: false);
        var report = await c.ReportAsync(id);
        Assert.Equal(1, Reason(report, "suppressed-phone"));
        Assert.Equal(1, Reason(report, "suppressed-client-id"));
        Assert.Equal(1, Reason(report, "suppressed-email"));
        Assert.Equal(1, Reason(report, "filtered"));
        Assert.Equal(1, Reason(report, "device-not-in-order"));
        Assert.Equal(1, Reason(report, "device-type-disabled"));
        // E's first phone and G (whose suppression expired yesterday) are in.
        Assert.Equal(2, report.GetProperty("statuses").GetProperty("ready").GetInt64());
        Assert.Equal(2, report.GetProperty("lastPreload").GetProperty("callable").GetInt64());
    }

    [Fact]
    public async Task Why_explains_a_suppressed_contact_and_a_callable_one()
    {
        var (c, id, list, _) = await PreloadedAsync(start: true);
        var ann = await c.WhyAsync(id, await c.ContactIdAsync(list, "A"));
        var device = ann.GetProperty("devices").EnumerateArray().Single();
        Assert.Equal("left-out", device.GetProperty("status").GetString());
        Assert.Equal("suppressed-phone", device.GetProperty("reason").GetString());
        Assert.Contains("+12125550001", device.GetProperty("detail").GetString());
        Assert.False(device.GetProperty("callableNow").GetBoolean());

        var gus = await c.WhyAsync(id, await c.ContactIdAsync(list, "G"));
        var g = gus.GetProperty("devices").EnumerateArray().Single();
        Assert.True(g.GetProperty("callableNow").GetBoolean(), gus.ToString());
        Assert.Equal("allow", g.GetProperty("compliance").GetProperty("decision").GetString());
        Assert.Contains("callable now", gus.GetProperty("summary").GetString());

        await HttpAssert.Problem(await c.Http.GetAsync($"/api/v1/campaigns/{id}/records/{Guid.NewGuid()}/why"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_re_preload_while_running_merges_and_leaves_leased_records_alone()
    {
        var (c, id, list, dnc) = await PreloadedAsync(start: true);
        var lease = await c.LeaseAsync(id, 1);
        var leased = CampaignClient.Records(lease).Single();

        // Meanwhile: the other ready number is suppressed, and a new contact arrives.
        var other = leased.GetProperty("phone").GetString() == "+12125550005" ? "+12125550007" : "+12125550005";
        await c.Suppression.AddAsync(dnc, new { type = "phone", value = other });
        ListClientSucceeded(await c.Lists.ImportAsync(list, "client_id,first_name,phone1,tz\nI,Ivy,+12125550009,America/New_York\n"));
        Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(id, "preload")).StatusCode);
        var after = await c.SettledAsync(id);
        Assert.Equal("running", after.GetProperty("state").GetString());
        Assert.True(after.GetProperty("lastPreload").GetProperty("incremental").GetBoolean());

        var report = await c.ReportAsync(id);
        Assert.Equal(2, Reason(report, "suppressed-phone"));
        Assert.Equal(1, report.GetProperty("statuses").GetProperty("leased").GetInt64());
        var next = CampaignClient.Records(await c.LeaseAsync(id, 5)).ToList();
        Assert.Equal("+12125550009", Assert.Single(next).GetProperty("phone").GetString());
        await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), leased.GetProperty("recordId").GetInt64(), "answered"),
            HttpStatusCode.OK);
    }

    [Fact]
    public async Task Lists_are_drawn_by_weight_and_ordered_by_the_sort_fields()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var heavy = await c.ListAsync(0, "client_id,first_name,phone1,tz\n" + string.Concat(Enumerable.Range(1, 4).Select(i => $"H{i},h{i},+1212555010{i},America/New_York\n")));
        var light = await c.ListAsync(0, "client_id,first_name,phone1,tz\n" + string.Concat(Enumerable.Range(1, 2).Select(i => $"L{i},l{i},+1212555020{i},America/New_York\n")));
        var id = await c.CreateAsync(new
        {
            name = "Weights", contactLists = new[] { new { id = heavy, weight = 2 }, new { id = light, weight = 1 } },
            sortFields = new[] { new { field = "first_name", direction = "desc" } },
        });
        await c.StartAsync(id);
        var phones = CampaignClient.Records(await c.LeaseAsync(id, 6)).Select(r => r.GetProperty("phone").GetString()).ToList();
        Assert.Equal(6, phones.Count);
        Assert.Equal("+12125550104", phones[0]); // h4: the heavy list's first by first_name descending
        Assert.Contains("+12125550202", phones.Take(3)); // l2 comes in among the first three: one light per two heavy
        Assert.Contains("+12125550101", phones.TakeLast(2)); // h1: the heavy list's last
    }

    [Fact]
    public async Task Stats_count_results_and_stream_as_server_sent_events()
    {
        var (c, id, _, _) = await PreloadedAsync(start: true);
        var lease = await c.LeaseAsync(id, 2);
        var results = new[] { "answered", "abandoned" };
        var i = 0;
        foreach (var r in CampaignClient.Records(lease))
            await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), r.GetProperty("recordId").GetInt64(), results[i++]), HttpStatusCode.OK);
        // Stats are cached for a couple of seconds: wait on the condition, not the clock.
        var stats = await Eventually.UntilAsync(async () => await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/campaigns/{id}/stats"), HttpStatusCode.OK),
            s => s.GetProperty("totals").GetProperty("dialed").GetInt64() >= 2, TimeSpan.FromSeconds(15));
        var totals = stats.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("dialed").GetInt64());
        Assert.Equal(1, totals.GetProperty("connected").GetInt64());
        Assert.Equal(1, totals.GetProperty("abandoned").GetInt64());
        Assert.Equal(0.5, stats.GetProperty("fcc").GetProperty("rate").GetDouble());
        Assert.False(stats.GetProperty("fcc").GetProperty("withinTarget").GetBoolean());
        Assert.Equal(2, stats.GetProperty("perMinuteLastMinute").GetProperty("dialed").GetDouble());
        Assert.Equal(1, stats.GetProperty("remaining").GetProperty("suppressed-phone").GetInt64());
        Assert.Equal(1, stats.GetProperty("reasons").GetProperty("suppressed-phone").GetInt64());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/campaigns/{id}/stats/stream");
        using var response = await c.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: stats", await reader.ReadLineAsync());
        var data = (await reader.ReadLineAsync())!;
        Assert.StartsWith("data: ", data);
        Assert.Equal(2, JsonDocument.Parse(data["data: ".Length..]).RootElement.GetProperty("totals").GetProperty("dialed").GetInt64());
    }

    [Fact]
    public async Task Contacts_that_leave_the_list_leave_the_calling_list_with_their_reason()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(4);
        var id = await c.CreateAsync(new { name = "Shrinking", contactLists = new[] { new { id = list, weight = 1 } } });
        await c.StartAsync(id);
        ListClientSucceeded(await c.Lists.ImportAsync(list, "client_id,first_name,phone1,tz\nC1,N1,+12125550001,America/New_York\n", mode: "replace"));
        Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(id, "preload")).StatusCode);
        await c.SettledAsync(id);
        var report = await c.ReportAsync(id);
        Assert.Equal(4, Reason(report, "removed-from-list"));
        // The replacement's contact is new (a replace gives new contact ids), so it is the one record left to dial.
        Assert.Equal("+12125550001", Assert.Single(CampaignClient.Records(await c.LeaseAsync(id, 10))).GetProperty("phone").GetString());
    }

    private static void ListClientSucceeded(JsonElement status) => Lists.ListClient.Succeeded(status);
}
