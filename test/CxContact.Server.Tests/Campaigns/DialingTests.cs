using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>The pull API over HTTP: leases, results, the contact strategy, expiry, concurrency and shared lists.</summary>
public sealed class DialingTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    private async Task<(CampaignClient C, Guid Campaign, Guid List)> RunningAsync(int contacts, object? extra = null, string? csv = null)
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(contacts, csv);
        var body = new Dictionary<string, object?> { ["name"] = "Camp " + Guid.NewGuid().ToString("N")[..6], ["contactLists"] = new[] { new { id = list, weight = 1 } } };
        if (extra is not null) foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var id = await c.CreateAsync(body);
        await c.StartAsync(id);
        return (c, id, list);
    }

    [Fact]
    public async Task A_lease_hands_out_callable_records_and_a_result_finishes_them()
    {
        var (c, id, _) = await RunningAsync(3);
        var lease = await c.LeaseAsync(id, 2);
        var records = CampaignClient.Records(lease).ToList();
        Assert.Equal(2, records.Count);
        Assert.StartsWith("+1212555", records[0].GetProperty("phone").GetString());
        Assert.Equal(500, lease.GetProperty("maxCount").GetInt32());
        var leaseId = lease.GetProperty("leaseId").GetGuid();

        var outcome = await HttpAssert.Json(await c.ResultAsync(id, leaseId, records[0].GetProperty("recordId").GetInt64(), "answered"), HttpStatusCode.OK);
        Assert.Equal("done", outcome.GetProperty("action").GetString());
        Assert.False(outcome.GetProperty("replayed").GetBoolean());

        // The third record, then nothing: the two leased ones are out, the answered one is done.
        var next = await c.LeaseAsync(id, 10);
        Assert.Single(CampaignClient.Records(next));
        Assert.Empty(CampaignClient.Records(await c.LeaseAsync(id, 10)));
    }

    [Fact]
    public async Task Results_are_idempotent_and_bad_ones_change_nothing()
    {
        var (c, id, _) = await RunningAsync(2);
        var lease = await c.LeaseAsync(id, 1);
        var leaseId = lease.GetProperty("leaseId").GetGuid();
        var record = CampaignClient.Records(lease).Single().GetProperty("recordId").GetInt64();

        var first = await HttpAssert.Json(await c.ResultAsync(id, leaseId, record, "busy"), HttpStatusCode.OK);
        var again = await HttpAssert.Json(await c.ResultAsync(id, leaseId, record, "busy"), HttpStatusCode.OK);
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(first.GetProperty("nextDialAt").GetDateTimeOffset(), again.GetProperty("nextDialAt").GetDateTimeOffset());
        Assert.Contains("different result", (await HttpAssert.Problem(await c.ResultAsync(id, leaseId, record, "answered"), HttpStatusCode.Conflict))
            .GetProperty("detail").GetString());

        await HttpAssert.Problem(await c.ResultAsync(id, Guid.NewGuid(), record, "answered"), HttpStatusCode.Conflict);
        var other = await c.LeaseAsync(id, 1);
        var otherRecord = CampaignClient.Records(other).Single().GetProperty("recordId").GetInt64();
        // A record of another lease quoted under this one: refused, and the other lease still owns it.
        Assert.Contains("not out under lease", (await HttpAssert.Problem(await c.ResultAsync(id, leaseId, otherRecord, "answered"), HttpStatusCode.Conflict))
            .GetProperty("detail").GetString());
        await HttpAssert.Json(await c.ResultAsync(id, other.GetProperty("leaseId").GetGuid(), otherRecord, "answered"), HttpStatusCode.OK);

        await HttpAssert.FieldError(await c.ResultAsync(id, leaseId, record, "exploded"), "result");
        await HttpAssert.FieldError(await c.ResultAsync(id, leaseId, record, "callback-requested"), "callbackAt");
        await HttpAssert.FieldError(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/leases", new { count = 1_000_000 }), "count");
        await HttpAssert.FieldError(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/leases", new { count = 0 }), "count");
    }

    [Fact]
    public async Task A_busy_result_is_retried_after_the_strategy_delay_and_not_before()
    {
        var (c, id, _) = await RunningAsync(1, new
        {
            contactStrategy = new { rules = new[] { new { result = "busy", action = "retry", delayMinutes = 30, incrementMinutes = 0, maxRetries = 1, then = "done" } } },
        });
        var lease = await c.LeaseAsync(id, 1);
        var record = CampaignClient.Records(lease).Single().GetProperty("recordId").GetInt64();
        var outcome = await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), record, "busy"), HttpStatusCode.OK);
        Assert.Equal("retry", outcome.GetProperty("action").GetString());

        Assert.Empty(CampaignClient.Records(await c.LeaseAsync(id, 1)));
        f.Clock.Advance(TimeSpan.FromMinutes(31));
        var retry = await c.LeaseAsync(id, 1);
        Assert.Equal(record, CampaignClient.Records(retry).Single().GetProperty("recordId").GetInt64());
        var last = await HttpAssert.Json(await c.ResultAsync(id, retry.GetProperty("leaseId").GetGuid(), record, "busy"), HttpStatusCode.OK);
        Assert.Equal("done", last.GetProperty("action").GetString());
    }

    [Fact]
    public async Task Concurrent_dialers_never_get_the_same_record()
    {
        var (c, id, _) = await RunningAsync(60);
        var leases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => c.LeaseAsync(id, 10)));
        var ids = leases.SelectMany(l => CampaignClient.Records(l).Select(r => r.GetProperty("recordId").GetInt64())).ToList();
        Assert.Equal(60, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task An_expired_lease_returns_its_records_and_its_results_are_refused()
    {
        var (c, id, _) = await RunningAsync(1, new { leaseSeconds = 30 });
        var lease = await c.LeaseAsync(id, 1);
        var record = CampaignClient.Records(lease).Single().GetProperty("recordId").GetInt64();
        f.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Contains("expired", (await HttpAssert.Problem(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), record, "answered"), HttpStatusCode.Conflict))
            .GetProperty("detail").GetString());
        var again = await c.LeaseAsync(id, 1);
        Assert.Equal(record, CampaignClient.Records(again).Single().GetProperty("recordId").GetInt64());
    }

    [Fact]
    public async Task A_dnc_request_suppresses_the_number_and_finishes_the_contact()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var dnc = await c.Suppression.CreateListAsync();
        var list = await c.ListAsync(0, "client_id,phone1,phone2,tz\nK1,+12125550001,+12125550002,America/New_York\n");
        var id = await c.CreateAsync(new { name = "DNC camp", contactLists = new[] { new { id = list, weight = 1 } }, suppressionLists = new[] { dnc } });
        await c.StartAsync(id);
        var lease = await c.LeaseAsync(id, 5);
        var rec = CampaignClient.Records(lease).Single();
        Assert.Equal("+12125550001", rec.GetProperty("phone").GetString());
        var outcome = await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), rec.GetProperty("recordId").GetInt64(), "dnc-request"),
            HttpStatusCode.OK);
        Assert.Equal(dnc, outcome.GetProperty("suppressedIn").GetGuid());
        Assert.True(await c.Suppression.PhoneSuppressedAsync(dnc, "+12125550001"));
        // The contact is finished: its second device is not dialed either.
        Assert.Empty(CampaignClient.Records(await c.LeaseAsync(id, 5)));
    }

    [Fact]
    public async Task Two_campaigns_sharing_a_list_never_dial_one_contact_at_once()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(20);
        var a = await c.CreateAsync(new { name = "Shared A", contactLists = new[] { new { id = list, weight = 1 } } });
        var b = await c.CreateAsync(new { name = "Shared B", contactLists = new[] { new { id = list, weight = 1 } } });
        await c.StartAsync(a);
        await c.StartAsync(b);
        var leases = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => c.LeaseAsync(i % 2 == 0 ? a : b, 10)));
        var contacts = leases.SelectMany(l => CampaignClient.Records(l).Select(r => r.GetProperty("contactId").GetGuid())).ToList();
        Assert.Equal(20, contacts.Count);
        Assert.Equal(contacts.Count, contacts.Distinct().Count());
    }

    [Fact]
    public async Task Leases_and_results_need_a_running_campaign_and_a_dialer_key()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(2);
        var id = await c.CreateAsync(new { name = "Not yet", contactLists = new[] { new { id = list, weight = 1 } } });
        var p = await HttpAssert.Problem(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/leases", new { count = 1 }), HttpStatusCode.Conflict);
        Assert.Equal("draft", p.GetProperty("state").GetString());
        var viewer = await HttpAssert.Json(await c.Http.PostJson("/api/v1/api-keys", new { name = "v", role = "viewer" }), HttpStatusCode.Created);
        var v = f.Api.Client(viewer.GetProperty("key").GetString()!);
        await HttpAssert.Problem(await v.PostJson($"/api/v1/campaigns/{id}/leases", new { count = 1 }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_batch_of_results_answers_each_item_on_its_own()
    {
        var (c, id, _) = await RunningAsync(3);
        var lease = await c.LeaseAsync(id, 3);
        var leaseId = lease.GetProperty("leaseId").GetGuid();
        var records = CampaignClient.Records(lease).Select(r => r.GetProperty("recordId").GetInt64()).ToList();

        await HttpAssert.FieldError(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/results/batch", new
        {
            results = new object[] { new { leaseId, recordId = records[0], result = "answered" }, new { leaseId, recordId = records[1], result = "maybe" } },
        }), "results[1].result");
        // Refused for a bad field: nothing was applied, so the first record is still out.
        var answer = await HttpAssert.Json(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/results/batch", new
        {
            results = new object[]
            {
                new { leaseId, recordId = records[0], result = "answered" },
                new { leaseId, recordId = records[0], result = "answered" },
                new { leaseId = Guid.NewGuid(), recordId = records[1], result = "busy" },
                new { leaseId, recordId = records[2], result = "no-answer" },
            },
        }), HttpStatusCode.OK);
        var items = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([200, 200, 409, 200], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.False(items[0].GetProperty("outcome").GetProperty("replayed").GetBoolean());
        Assert.True(items[1].GetProperty("outcome").GetProperty("replayed").GetBoolean());
        Assert.Contains("unknown", items[2].GetProperty("detail").GetString());
        Assert.Equal("retry", items[3].GetProperty("outcome").GetProperty("action").GetString());
        // The record whose result was refused is still out under its lease.
        await HttpAssert.Json(await c.ResultAsync(id, leaseId, records[1], "busy"), HttpStatusCode.OK);
        await HttpAssert.FieldError(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/results/batch",
            new { results = Enumerable.Range(0, 501).Select(_ => new { leaseId, recordId = records[0], result = "answered" }) }), "results");
    }

    [Fact]
    public async Task A_callback_is_dialed_at_the_time_the_contact_asked_for()
    {
        var (c, id, list) = await RunningAsync(1);
        var lease = await c.LeaseAsync(id, 1);
        var record = CampaignClient.Records(lease).Single();
        var callbackAt = f.Clock.GetUtcNow().AddHours(2);
        var outcome = await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), record.GetProperty("recordId").GetInt64(),
            "callback-requested", new { callbackAt }), HttpStatusCode.OK);
        Assert.Equal("retry", outcome.GetProperty("action").GetString());
        Assert.Equal(callbackAt.ToUnixTimeSeconds(), outcome.GetProperty("nextDialAt").GetDateTimeOffset().ToUnixTimeSeconds());

        var why = await c.WhyAsync(id, record.GetProperty("contactId").GetGuid());
        Assert.Contains("Scheduled", why.GetProperty("devices")[0].GetProperty("detail").GetString());
        Assert.Empty(CampaignClient.Records(await c.LeaseAsync(id, 1)));
        f.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        Assert.Single(CampaignClient.Records(await c.LeaseAsync(id, 1)));
    }

    [Fact]
    public async Task Validation_applies_a_campaigns_own_suppression_lists_and_refuses_an_unknown_campaign()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var id = await c.CreateAsync(new { name = "Scoped" });
        var dnc = await c.Suppression.CreateListAsync(new { name = "Scoped DNC", scope = "campaigns", campaignIds = new[] { id } });
        await c.Suppression.AddAsync(dnc, new { type = "phone", value = "+12125550042" });

        var plain = await HttpAssert.Json(await c.Dialer.PostJson("/api/v1/compliance/validate", new { phone = "+12125550042" }), HttpStatusCode.OK);
        Assert.Equal("allow", plain.GetProperty("decision").GetString());
        var scoped = await HttpAssert.Json(await c.Dialer.PostJson("/api/v1/compliance/validate", new { phone = "+12125550042", campaignId = id.ToString() }),
            HttpStatusCode.OK);
        Assert.Equal("deny", scoped.GetProperty("decision").GetString());
        Assert.Equal("suppressed", scoped.GetProperty("reasons")[0].GetProperty("rule").GetString());

        await HttpAssert.FieldError(await c.Dialer.PostJson("/api/v1/compliance/validate", new { phone = "+12125550042", campaignId = Guid.NewGuid().ToString() }),
            "campaignId");
        await HttpAssert.FieldError(await c.Dialer.PostJson("/api/v1/compliance/validate-batch",
            new { items = new object[] { new { phone = "+12125550042" }, new { phone = "+12125550042", campaignId = "not-a-campaign" } } }), "items[1].campaignId");
    }
}
