using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Compliance;

/// <summary>
/// With Redis gone, every decision is "deny: compliance-unavailable" and readiness goes red; when Redis comes back
/// the server recovers by itself. Uses a Redis of its own, which the test stops and starts again.
/// </summary>
public sealed class FailClosedTests : ServerOnPrivateRedis
{

    [Fact]
    public async Task Without_redis_every_decision_is_deny_and_it_recovers_when_redis_returns()
    {
        var tenant = await HttpAssert.Json(await Api.Admin().PostJson("/api/v1/tenants", new { name = "Fail closed" }), HttpStatusCode.Created);
        var c = Api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
        var request = new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T20:00:00Z" };
        Assert.Equal("allow", (await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", request), HttpStatusCode.OK)).GetProperty("decision").GetString());

        // SAVE on the way down keeps the suppression index, as a production Redis with persistence would (a Redis that
        // comes back empty is ClusterRedisLossTests' case; membership is not in Redis at all).
        Redis.Stop(save: true);

        var down = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", request), HttpStatusCode.OK);
        Assert.Equal("deny", down.GetProperty("decision").GetString());
        Assert.Equal("compliance-unavailable", down.GetProperty("reasons")[0].GetProperty("rule").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Api.Client().GetAsync("/health/ready")).StatusCode);

        Redis.StartAgain();
        var back = await Eventually.UntilAsync(async () => await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", request), HttpStatusCode.OK),
            d => d.GetProperty("decision").GetString() == "allow", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        Assert.True(back.GetProperty("decision").GetString() == "allow", $"not allowed 30 s after Redis returned: {back}");
        Assert.Equal(HttpStatusCode.OK, (await Api.Client().GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_file_import_while_redis_is_down_fails_and_saves_nothing_and_works_once_redis_returns()
    {
        var tenant = await HttpAssert.Json(await Api.Admin().PostJson("/api/v1/tenants", new { name = "Import down" }), HttpStatusCode.Created);
        var c = Api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
        var lists = new CxContact.Server.Tests.Suppression.SuppressionClient(c);
        var list = await lists.CreateListAsync();
        const string File = "phone\n4155550101\n4155550102\n";

        Redis.Stop(save: true);
        // The list is written beside the index but commits only after it: with the index unwritable, nothing is saved.
        var failed = await lists.ImportAsync(list, File);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("the suppression index (Redis) could not be updated, so no entries were saved", failed.GetProperty("error").GetString());
        Assert.Equal(0, failed.GetProperty("entries").GetInt64());
        Assert.Equal(0, (await lists.CountAsync(list)).GetProperty("total").GetInt64());
        Redis.StartAgain();
        // Until the server has rebuilt what Redis may have missed, lookups fail closed (503): wait for it, as a load balancer would.
        await Api.CompliantAsync();

        var succeeded = await lists.ImportAsync(list, File);
        Assert.True(succeeded.GetProperty("state").GetString() == "succeeded", succeeded.ToString());
        Assert.Equal(2, (await lists.CountAsync(list)).GetProperty("total").GetInt64());
        Assert.True(await lists.PhoneSuppressedAsync(list, "+14155550102"));
    }

    [Fact]
    public async Task An_entry_whose_index_write_failed_is_never_missed_after_redis_returns()
    {
        var tenant = await HttpAssert.Json(await Api.Admin().PostJson("/api/v1/tenants", new { name = "Missed write" }), HttpStatusCode.Created);
        var c = Api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
        var lists = new CxContact.Server.Tests.Suppression.SuppressionClient(c);
        var list = await lists.CreateListAsync();
        await lists.AddAsync(list, new { type = "phone", value = "4155550001" });

        Redis.Stop(save: true);
        // With a list to look in, a number no attempt rule concerns is still denied while Redis is down.
        var down = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "4155550003", at = "2026-12-02T20:00:00Z" }), HttpStatusCode.OK);
        Assert.Equal("compliance-unavailable", down.GetProperty("reasons")[0].GetProperty("rule").GetString());
        // Saved in PostgreSQL, but the index could not be written: the API says so.
        var failed = await lists.PostEntriesAsync(list, [new { type = "phone", value = "4155550002" }]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Redis.StartAgain();

        // From the moment Redis answers again until the repair has rebuilt the index, the number is never allowed.
        var repaired = await Eventually.UntilAsync(async () =>
        {
            var d = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "4155550002", at = "2026-12-02T20:00:00Z" }), HttpStatusCode.OK);
            Assert.True(d.GetProperty("decision").GetString() == "deny", $"allowed before the repair: {d}");
            return d;
        }, d => d.GetProperty("reasons")[0].GetProperty("rule").GetString() == "suppressed", TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(200));
        Assert.True(repaired.GetProperty("reasons")[0].GetProperty("rule").GetString() == "suppressed", $"not repaired in 40 s: {repaired}");
        var other = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "4155550003", at = "2026-12-02T20:00:00Z" }), HttpStatusCode.OK);
        Assert.Equal("allow", other.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Without_redis_every_item_of_a_batch_is_denied()
    {
        // One tenant with a suppression list and one without (then only the attempt windows, or nothing, read Redis).
        var clients = new List<HttpClient>();
        foreach (var name in new[] { "Batch outage with a list", "Batch outage without lists" })
        {
            var tenant = await HttpAssert.Json(await Api.Admin().PostJson("/api/v1/tenants", new { name }), HttpStatusCode.Created);
            clients.Add(Api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!));
        }
        var lists = new CxContact.Server.Tests.Suppression.SuppressionClient(clients[0]);
        await lists.AddAsync(await lists.CreateListAsync(), new { type = "phone", value = "4155550001" });
        // Many area codes (one bitmap read each), emails, client ids and Florida numbers (attempt windows), past the
        // size at which evaluation runs in parallel.
        int[] areaCodes = [212, 206, 303, 312, 404, 415, 512, 617, 702, 713, 808, 907];
        var items = Enumerable.Range(0, 1200).Select(i => (i % 4) switch
        {
            0 => (object)new { phone = $"+1{areaCodes[i % areaCodes.Length]}555{i:0000}", at = "2026-12-02T20:00:00Z" },
            1 => new { email = $"x{i}@example.com", channel = "email", at = "2026-12-02T20:00:00Z" },
            2 => new { phone = $"+1305555{i:0000}", contact = new { clientId = $"C{i}" }, at = "2026-12-02T20:00:00Z" },
            _ => new { dialingMode = "preview", phone = "4155550001", at = "2026-12-02T20:00:00Z" },
        }).ToArray();
        foreach (var c in clients)
        {
            var up = (await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate-batch", new { items }), HttpStatusCode.OK)).GetProperty("results");
            Assert.Contains(up.EnumerateArray(), r => r.GetProperty("decision").GetString() == "allow");
        }

        Redis.Stop(save: true);
        foreach (var c in clients)
        {
            var down = (await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate-batch", new { items }), HttpStatusCode.OK)).GetProperty("results");
            Assert.Equal(items.Length, down.GetArrayLength());
            Assert.All(down.EnumerateArray(), r =>
            {
                Assert.Equal("deny", r.GetProperty("decision").GetString());
                Assert.Equal("compliance-unavailable", r.GetProperty("reasons")[0].GetProperty("rule").GetString());
            });
        }
        Redis.StartAgain();
    }
}
