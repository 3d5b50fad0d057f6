using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Every persistent grain type (tenant, contact list, suppression list, campaign, scheduler), five grains each with
/// state of its own, read back after a restart exactly as before: once to activate them all, then again, so a grain
/// that shares an object with another activation answers with the other's state the second time.
/// </summary>
public sealed class GrainStateRestartTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const int PerType = 5;

    [Fact]
    public async Task Five_grains_of_every_persistent_type_read_back_exactly_after_a_restart()
    {
        var reads = new List<(string What, Func<Task<string>> Read)>();
        var lists = new List<(Guid Id, Func<Task<string>> Read)>();
        for (var i = 0; i < PerType; i++)
        {
            var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = $"Restart {i} {Guid.NewGuid():N}" }),
                HttpStatusCode.Created);
            var tenantId = created.GetProperty("tenant").GetProperty("id").GetGuid();
            var key = created.GetProperty("adminKey").GetProperty("key").GetString()!;
            var c = new CampaignClient(api.Client(key), api.Client(key));
            string[] zones = ["America/Chicago", "Europe/London", "America/Denver", "Asia/Tokyo", "America/Los_Angeles"];
            await HttpAssert.Json(await c.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tenants/{tenantId}/settings")
            {
                Content = JsonContent(new { defaultCountry = i % 2 == 0 ? "US" : "GB", defaultTimeZone = zones[i] }),
            }), HttpStatusCode.OK);

            // 3, 7, 12, 18, 25 records, each list in a zone of its own: counts and byTimeZone differ per list.
            var records = 3 + i * (i + 7) / 2;
            string[] listZones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix"];
            var list = await c.ListAsync(csv: "client_id,phone1,tz\n" +
                string.Concat(Enumerable.Range(1, records).Select(r => $"C{r},+1212555{r:0000},{listZones[i]}\n")));
            var dnc = await c.Suppression.CreateListAsync(new { name = $"DNC {i}", description = $"list {i}" });
            await c.Suppression.AddAsync(dnc, Enumerable.Range(1, i + 1).Select(n => (object)new { type = "phone", value = $"+1415555{n:0000}" }).ToArray());

            var campaign = await c.CreateAsync(new
            {
                name = $"Campaign {i}", contactLists = new[] { new { id = list, weight = 1 + i } }, suppressionLists = new[] { dnc },
                maxAttempts = 2 + i, priority = i + 1,
            });
            if (i % 2 == 0)
            {
                Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(campaign, "preload")).StatusCode);
                await c.SettledAsync(campaign);
            }
            for (var s = 0; s <= i; s++)
                await HttpAssert.Json(await c.Http.PostJson("/api/v1/schedules", new
                {
                    name = $"Schedule {i}.{s}", cron = $"{s} 3 1 1 *", timeZone = zones[i], enabled = s % 2 == 0,
                    action = new { type = "preload-campaign", campaignId = campaign }, missedRuns = "skip",
                }), HttpStatusCode.Created);

            // A new client each read: a restart disposes the old server's clients.
            HttpClient http() => api.Client(key);
            reads.Add(($"tenant {i}", () => Read(http(), "/api/v1/me")));
            reads.Add(($"contact list {i}", () => Read(http(), $"/api/v1/contact-lists/{list}")));
            reads.Add(($"suppression list {i}", () => Read(http(), $"/api/v1/suppression-lists/{dnc}")));
            reads.Add(($"campaign {i}", () => Read(http(), $"/api/v1/campaigns/{campaign}")));
            reads.Add(($"schedules {i}", () => Read(http(), "/api/v1/schedules")));
            lists.Add((list, reads[^4].Read));
        }

        var before = new List<string>();
        foreach (var (_, read) in reads) before.Add(await read());
        Assert.Equal(reads.Count, before.Distinct().Count());

        await api.RestartAsync();

        foreach (var (_, read) in reads) await read(); // activates every grain again
        for (var k = 0; k < reads.Count; k++)
            Assert.True(before[k] == await reads[k].Read(), $"{reads[k].What} answered differently after the restart");

        await using var db = NpgsqlDataSource.Create(api.Postgres);
        foreach (var (id, read) in lists)
        {
            await using var cmd = db.CreateCommand("SELECT count(*) FROM contact_records WHERE list_id = @l");
            cmd.Parameters.AddWithValue("l", id);
            var rows = (long)(await cmd.ExecuteScalarAsync())!;
            Assert.Equal(rows, JsonDocument.Parse(await read()).RootElement.GetProperty("records").GetInt64());
        }
    }

    private static async Task<string> Read(HttpClient http, string path) =>
        (await HttpAssert.Json(await http.GetAsync(path), HttpStatusCode.OK)).GetRawText();

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");
}
