using Npgsql;
using System.Net.Http.Json;
using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>Campaign groups over HTTP: configuration, validation at the edge, and the state machine.</summary>
public sealed class CampaignsApiTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    [Fact]
    public async Task A_campaign_is_created_read_listed_replaced_and_deleted()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(2);
        var id = await c.CreateAsync(new
        {
            name = "Renewals", contactLists = new[] { new { id = list, weight = 3 } }, dialingMode = "predictive",
            sortFields = new[] { new { field = "last_name", direction = "desc" } }, priority = 7,
            filter = new { field = "country", op = "!=", value = "CA" },
            contactStrategy = new { rules = new object[] { new { result = "fax", action = "same-as", sameAs = "invalid-number" } } },
            devices = new { order = new[] { "phone2", "phone1" }, types = new[] { "mobile", "landline", "unknown" } },
            callingHours = new { from = "09:30", till = "19:00" }, callerId = "+18005550100",
        });
        var got = await c.GetAsync(id);
        Assert.Equal("Renewals", got.GetProperty("name").GetString());
        Assert.Equal("predictive", got.GetProperty("dialingMode").GetString());
        Assert.Equal(3, got.GetProperty("contactLists")[0].GetProperty("weight").GetInt32());
        Assert.Equal("09:30", got.GetProperty("callingHours").GetProperty("from").GetString());
        Assert.Equal("phone2", got.GetProperty("devices").GetProperty("order")[0].GetString());
        Assert.Equal("same-as", got.GetProperty("contactStrategy").GetProperty("rules")[0].GetProperty("action").GetString());

        var all = await HttpAssert.Json(await c.Http.GetAsync("/api/v1/campaigns"), HttpStatusCode.OK);
        Assert.Contains(all.EnumerateArray(), x => x.GetProperty("id").GetGuid() == id);

        var replaced = await HttpAssert.Json(await c.Http.PutAsJsonAsync($"/api/v1/campaigns/{id}",
            new { name = "Renewals Q1", contactLists = new[] { new { id = list, weight = 1 } } }), HttpStatusCode.OK);
        Assert.Equal("progressive", replaced.GetProperty("dialingMode").GetString());
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/campaigns", new { name = "renewals q1" }), "name");

        Assert.Equal(HttpStatusCode.NoContent, (await c.Http.DeleteAsync($"/api/v1/campaigns/{id}")).StatusCode);
        await HttpAssert.Problem(await c.Http.GetAsync($"/api/v1/campaigns/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_configuration_is_refused_naming_each_field()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var response = await c.Http.PostJson("/api/v1/campaigns", new
        {
            name = "Bad", contactLists = new[] { new { id = Guid.NewGuid(), weight = 1 } }, suppressionLists = new[] { Guid.NewGuid() },
            ruleSetId = "nope", dialingMode = "telepathic",
            sortFields = new[] { new { field = "a", direction = "up" }, new { field = "b", direction = "asc" }, new { field = "c", direction = "asc" },
                new { field = "d", direction = "asc" }, new { field = "e", direction = "asc" } },
            filter = new { field = "tz", op = "resembles", value = "x" },
            contactStrategy = new
            {
                rules = new object[]
                {
                    new { result = "busy", action = "retry", delayMinutes = -5 },
                    new { result = "fax", action = "same-as", sameAs = "silence" },
                    new { result = "silence", action = "same-as", sameAs = "fax" },
                    new { result = "dnc-request", action = "retry", delayMinutes = 5 },
                },
            },
            devices = new { order = new[] { "phone11" }, types = new[] { "pager" } },
            callingHours = new { from = "20:00", till = "08:00" }, callerId = "12345", maxAttempts = 0, leaseSeconds = 5,
        });
        var problem = await HttpAssert.Problem(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[]
                 {
                     "contactLists[0].id", "suppressionLists[0]", "ruleSetId", "dialingMode", "sortFields", "sortFields[0].direction", "filter.op",
                     "contactStrategy.rules[0].delayMinutes", "contactStrategy.rules", "contactStrategy.rules[3].action", "devices.order[0]",
                     "devices.types[0]", "callingHours.till", "callerId", "maxAttempts", "leaseSeconds",
                 })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        Assert.Contains("cycle", errors.GetProperty("contactStrategy.rules")[0].GetString());
        Assert.Empty((await HttpAssert.Json(await c.Http.GetAsync("/api/v1/campaigns"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task Actions_the_state_does_not_allow_answer_409_naming_the_state_and_change_nothing()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var empty = await c.CreateAsync(new { name = "No lists" });
        var p = await HttpAssert.Problem(await c.ActAsync(empty, "start"), HttpStatusCode.Conflict);
        Assert.Contains("no contact lists", p.GetProperty("detail").GetString());
        Assert.Equal("draft", (await c.GetAsync(empty)).GetProperty("state").GetString());
        p = await HttpAssert.Problem(await c.ActAsync(empty, "pause"), HttpStatusCode.Conflict);
        Assert.Equal("draft", p.GetProperty("state").GetString());
        Assert.Contains("draft", p.GetProperty("detail").GetString());

        var list = await c.ListAsync(2);
        var id = await c.CreateAsync(new { name = "Deleted list", contactLists = new[] { new { id = list, weight = 1 } } });
        Assert.Equal(HttpStatusCode.NoContent, (await c.Http.DeleteAsync($"/api/v1/contact-lists/{list}")).StatusCode);
        p = await HttpAssert.Problem(await c.ActAsync(id, "start"), HttpStatusCode.Conflict);
        Assert.Contains(list.ToString(), p.GetProperty("detail").GetString());
        Assert.Equal("draft", (await c.GetAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_campaign_walks_its_life_cycle()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(3);
        var id = await c.CreateAsync(new { name = "Cycle", contactLists = new[] { new { id = list, weight = 1 } } });
        var preload = await c.ActAsync(id, "preload");
        Assert.Equal(HttpStatusCode.Accepted, preload.StatusCode);
        var ready = await c.SettledAsync(id);
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        Assert.Equal(3, ready.GetProperty("lastPreload").GetProperty("callable").GetInt64());

        Assert.Equal("running", (await HttpAssert.Json(await c.ActAsync(id, "start"), HttpStatusCode.OK)).GetProperty("state").GetString());
        Assert.Equal("paused", (await HttpAssert.Json(await c.ActAsync(id, "pause"), HttpStatusCode.OK)).GetProperty("state").GetString());
        await HttpAssert.Problem(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/leases", new { count = 1 }), HttpStatusCode.Conflict);
        Assert.Equal("running", (await HttpAssert.Json(await c.ActAsync(id, "resume"), HttpStatusCode.OK)).GetProperty("state").GetString());

        // A graceful stop waits for the lease out; its result is still taken, then the campaign is stopped.
        var lease = await c.LeaseAsync(id, 1);
        Assert.Equal("stopping", (await HttpAssert.Json(await c.ActAsync(id, "stop"), HttpStatusCode.OK)).GetProperty("state").GetString());
        await HttpAssert.Json(await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(),
            CampaignClient.Records(lease).Single().GetProperty("recordId").GetInt64(), "no-answer"), HttpStatusCode.OK);
        var stopped = await Eventually.UntilAsync(() => c.GetAsync(id), s => s.GetProperty("state").GetString() == "stopped", TimeSpan.FromSeconds(10));
        Assert.Equal("stopped", stopped.GetProperty("state").GetString());

        // Force stop releases outstanding leases at once; their results are refused.
        await c.StartAsync(id);
        var held = await c.LeaseAsync(id, 1);
        Assert.Equal("stopped", (await HttpAssert.Json(await c.ActAsync(id, "force-stop"), HttpStatusCode.OK)).GetProperty("state").GetString());
        await HttpAssert.Problem(await c.ResultAsync(id, held.GetProperty("leaseId").GetGuid(),
            CampaignClient.Records(held).Single().GetProperty("recordId").GetInt64(), "answered"), HttpStatusCode.Conflict);
        await HttpAssert.Problem(await c.Http.DeleteAsync($"/api/v1/campaigns/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_second_preload_while_one_runs_is_refused()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.ListAsync(5);
        var id = await c.CreateAsync(new { name = "Twice", contactLists = new[] { new { id = list, weight = 1 } } });

        // Hold the contacts locked, so the first preload is certainly still running when the second is asked for.
        await using var conn = new NpgsqlConnection(f.Api.Postgres);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand($"LOCK TABLE contact_records_{list:N} IN ACCESS EXCLUSIVE MODE", conn, tx))
            await lockCmd.ExecuteNonQueryAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await c.ActAsync(id, "preload")).StatusCode);
        var p = await HttpAssert.Problem(await c.ActAsync(id, "preload"), HttpStatusCode.Conflict);
        Assert.Contains("already running", p.GetProperty("detail").GetString());
        Assert.Equal("preloading", p.GetProperty("state").GetString());
        await HttpAssert.Problem(await c.ActAsync(id, "start"), HttpStatusCode.Conflict);
        await tx.RollbackAsync();

        var done = await c.SettledAsync(id);
        Assert.Equal("ready", done.GetProperty("state").GetString());
        Assert.Equal(5, done.GetProperty("lastPreload").GetProperty("callable").GetInt64());
    }
}
