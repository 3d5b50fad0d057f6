using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Suppression;

namespace CxContact.Server.Tests.Compliance;

/// <summary>
/// validate-batch reads Redis grouped per key for the whole batch; these prove it answers exactly what /validate
/// answers for each item on its own: suppression in every list and value type, timed entries, attempt limits and gaps.
/// </summary>
public sealed class BatchValidationTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string Noon = FutureCalendar.Iso("12-02T20:00:00Z"); // noon Pacific, 15:00 Eastern: inside every US window

    [Fact]
    public async Task Every_batch_answer_equals_the_single_answer_for_the_same_item()
    {
        var c = await TenantAsync();
        var lists = new SuppressionClient(c);
        var first = await lists.CreateListAsync();
        var second = await lists.CreateListAsync();
        await lists.AddAsync(first,
            new { type = "phone", value = "4155550001" },
            new { type = "phone", value = "+44 20 7946 0001" },
            new { type = "email", value = "gone@example.com" },
            new { type = "clientId", value = "C-SUPPRESSED" },
            new { type = "phone", value = "4155550002", expiresAt = FutureCalendar.Iso("12-01T00:00:00Z") },      // expired before Noon
            new { type = "phone", value = "4155550003", startsAt = FutureCalendar.Iso("12-10T00:00:00Z") },       // not started at Noon
            new { type = "phone", value = "4155550004", startsAt = FutureCalendar.Iso("11-01T00:00:00Z"), expiresAt = FutureCalendar.Iso("01-01T00:00:00Z", yearsLater: 1) });
        await lists.AddAsync(second,
            new { type = "phone", value = "2125550001" },
            new { type = "phone", value = "4155550001" }, // also on the first list: the first list is named
            new { type = "clientId", value = "C-SECOND" });

        // Florida: three attempts in 24 h deny a fourth; the UK: no re-call within 72 h of an abandoned call.
        var start = FutureCalendar.At("12-02T15:00:00Z");
        for (var i = 0; i < 3; i++) await Attempt(c, new { phone = "+13055550123", at = start.AddHours(i), result = "no-answer" });
        await Attempt(c, new { phone = "+13055550124", at = start, result = "no-answer" });
        await Attempt(c, new { phone = "+442079460002", at = start, result = "abandoned" });
        await Attempt(c, new { clientId = "C-FL", at = start, result = "no-answer" });

        object[] items =
        [
            new { dialingMode = "preview", phone = "4155550001", at = Noon },
            new { dialingMode = "preview", phone = "(415) 555-0001", at = Noon },
            new { dialingMode = "preview", phone = "2125550001", at = Noon },
            new { dialingMode = "preview", phone = "+44 20 7946 0001", at = FutureCalendar.Iso("12-02T12:00:00Z") },
            new { dialingMode = "preview", phone = "+44 20 7946 0009", at = FutureCalendar.Iso("12-02T12:00:00Z") },
            new { dialingMode = "preview", phone = "4155550002", at = Noon },
            new { dialingMode = "preview", phone = "4155550002", at = FutureCalendar.Iso("11-30T20:00:00Z") },
            new { dialingMode = "preview", phone = "4155550003", at = Noon },
            new { dialingMode = "preview", phone = "4155550003", at = FutureCalendar.Iso("12-11T20:00:00Z") },
            new { dialingMode = "preview", phone = "4155550004", at = Noon },
            new { dialingMode = "preview", phone = "4155550005", at = Noon },
            new { dialingMode = "preview", phone = "4155550005", at = FutureCalendar.Iso("12-02T14:00:00Z") }, // 06:00 Pacific: outside the window, with nextAllowedAt
            new { email = "gone@example.com", channel = "email", at = Noon },
            new { email = "still@example.com", channel = "email", at = Noon },
            new { phone = "4155550006", contact = new { clientId = "C-SUPPRESSED" }, at = Noon },
            new { phone = "4155550006", contact = new { clientId = "C-SECOND" }, at = Noon },
            new { phone = "4155550001", contact = new { clientId = "C-SECOND" }, at = Noon },
            new { dialingMode = "preview", phone = "+13055550123", at = start.AddHours(3) },
            new { dialingMode = "preview", phone = "+13055550123", at = start.AddHours(24) },
            new { dialingMode = "preview", phone = "+13055550124", at = start.AddHours(3) },
            new { phone = "+13055550125", contact = new { clientId = "C-FL" }, at = start.AddHours(3) },
            new { dialingMode = "predictive", phone = "+44 20 7946 0002", at = FutureCalendar.Iso("12-03T12:00:00Z") }, // no agent guaranteed: Ofcom's 72 h apply
            new { dialingMode = "predictive", phone = "+44 20 7946 0002", at = FutureCalendar.Iso("12-06T12:00:00Z") },
            new { phone = "3055550126", dialingMode = "predictive", contact = new { deviceType = "mobile" }, at = start.AddHours(3) },
        ];
        var singles = new List<string>();
        foreach (var item in items)
            singles.Add((await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", item), HttpStatusCode.OK)).GetRawText());

        // The answers cover what they should, so equality below compares something.
        var decisions = singles.Select(s => JsonDocument.Parse(s).RootElement).ToList();
        Assert.Equal("suppressed", Rule(decisions[0]));
        Assert.Contains(first.ToString(), decisions[0].GetProperty("reasons")[0].GetProperty("detail").GetString());
        Assert.Contains(second.ToString(), decisions[2].GetProperty("reasons")[0].GetProperty("detail").GetString());
        Assert.Equal("allow", Decision(decisions[5]));
        Assert.Equal("suppressed", Rule(decisions[6]));
        Assert.Equal("allow", Decision(decisions[7]));
        Assert.Equal("suppressed", Rule(decisions[8]));
        Assert.Equal("suppressed", Rule(decisions[9]));
        Assert.Equal("allow", Decision(decisions[10]));
        // Without a purpose every rule covers the call: California's debt-collection hours deny too.
        Assert.Contains(decisions[11].GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "us-federal-hours");
        Assert.Equal("suppressed", Rule(decisions[12]));
        Assert.Contains(second.ToString(), decisions[15].GetProperty("reasons")[0].GetProperty("detail").GetString());
        Assert.Equal("us-fl-3-per-24h", Rule(decisions[17]));
        Assert.Equal("allow", Decision(decisions[18]));
        Assert.Equal("gb-abandoned-72h", Rule(decisions[21]));

        // In one batch, and repeated past the size at which evaluation runs in parallel, shuffled.
        await AssertBatchEquals(c, items, singles, Enumerable.Range(0, items.Length).ToArray());
        var random = new Random(4);
        var many = Enumerable.Range(0, 1500).Select(_ => random.Next(items.Length)).ToArray();
        await AssertBatchEquals(c, items, singles, many);

        // Asked at once, single decisions travel to the compliance grain together and still answer each as alone.
        var concurrent = await Task.WhenAll(many.Take(400).Select(async i =>
            (Item: i, Answer: (await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", items[i]), HttpStatusCode.OK)).GetRawText())));
        foreach (var (i, answer) in concurrent) Assert.True(singles[i] == answer, $"base item {i}: concurrent {answer} but single {singles[i]}");
    }

    [Fact]
    public async Task A_stale_list_denies_every_item_of_a_batch()
    {
        var c = await TenantAsync();
        var lists = new SuppressionClient(c);
        var list = await lists.CreateListAsync();
        await lists.AddAsync(list, new { type = "phone", value = "4155550001" });
        // The index loses its version stamp, as when a write missed it: nothing can be said "not suppressed".
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(CxContact.Testing.LocalServices.LocalRedis.ConfigurationString);
        await using (redis)
        {
            var keys = redis.GetServers()[0].Keys(pattern: $"*sup:*:{list:N}:version").ToList();
            Assert.Single(keys);
            await redis.GetDatabase().KeyDeleteAsync(keys[0]);
        }
        var items = Enumerable.Range(0, 600).Select(i => new { phone = $"+1415555{i:0000}", at = Noon }).ToArray();
        var results = (await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate-batch", new { items }), HttpStatusCode.OK)).GetProperty("results");
        Assert.Equal(items.Length, results.GetArrayLength());
        Assert.All(results.EnumerateArray(), r => Assert.Equal("compliance-unavailable", Rule(r)));
    }

    [Fact]
    public async Task The_api_document_describes_the_batch_answer()
    {
        // validate-batch writes its answer itself; the document must still give its shape.
        var doc = await HttpAssert.Json(await api.Client().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var ok = doc.GetProperty("paths").GetProperty("/api/v1/compliance/validate-batch").GetProperty("post").GetProperty("responses").GetProperty("200");
        Assert.Contains("BatchResult", ok.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetRawText());
    }

    private static async Task AssertBatchEquals(HttpClient c, object[] items, List<string> singles, int[] order)
    {
        var batch = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate-batch", new { items = order.Select(i => items[i]).ToArray() }),
            HttpStatusCode.OK);
        var results = batch.GetProperty("results").EnumerateArray().Select(r => r.GetRawText()).ToList();
        Assert.Equal(order.Length, results.Count);
        for (var k = 0; k < order.Length; k++)
            Assert.True(singles[order[k]] == results[k], $"item {k} (base item {order[k]}): batch {results[k]} but single {singles[order[k]]}");
    }

    private static string Decision(JsonElement d) => d.GetProperty("decision").GetString()!;

    private static string? Rule(JsonElement d) => d.GetProperty("reasons").GetArrayLength() == 0 ? null : d.GetProperty("reasons")[0].GetProperty("rule").GetString();

    private static async Task Attempt(HttpClient c, object body) =>
        Assert.Equal(HttpStatusCode.NoContent, (await c.PostJson("/api/v1/compliance/attempts", body)).StatusCode);

    private async Task<HttpClient> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Batch " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
    }
}
