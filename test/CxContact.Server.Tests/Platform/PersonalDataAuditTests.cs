using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using CxContact.Server.Tests.Suppression;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Personal data leaves only with a permission viewers lack, and the trail says who took it: exports of contacts,
/// suppression entries and decisions are refused to a viewer and audited for a supervisor with their row counts; a
/// number taken off a do-not-call list and every schedule change are audited too.
/// </summary>
public sealed class PersonalDataAuditTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Exports_need_more_than_a_viewer_and_exports_dnc_deletions_and_schedule_changes_are_audited()
    {
        var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Pii " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var admin = api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
        async Task<(HttpClient Client, Guid Id)> KeyAsync(string role)
        {
            var key = await HttpAssert.Json(await admin.PostJson("/api/v1/api-keys", new { name = role, role }), HttpStatusCode.Created);
            return (api.Client(key.GetProperty("key").GetString()!), key.GetProperty("id").GetGuid());
        }
        var (viewer, _) = await KeyAsync("viewer");
        var (supervisor, supervisorId) = await KeyAsync("supervisor");

        var lists = new ListClient(admin);
        var list = await lists.CreateListAsync();
        ListClient.Succeeded(await lists.ImportAsync(list, "client_id,phone1\nA,+12125550101\nB,+12125550102\nC,+12125550103\n"));
        var dnc = new SuppressionClient(admin);
        var dncList = await dnc.CreateListAsync(new { name = "DNC" });
        await dnc.AddAsync(dncList, new { type = "phone", value = "+12125550199" }, new { type = "phone", value = "+12125550198" });

        var exports = new[] { $"/api/v1/contact-lists/{list}/export", $"/api/v1/suppression-lists/{dncList}/export", "/api/v1/compliance/decisions/export" };
        foreach (var url in exports)
        {
            await HttpAssert.Problem(await viewer.GetAsync(url), HttpStatusCode.Forbidden);
            var ok = await supervisor.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            await ok.Content.ReadAsStringAsync();
        }

        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.DeleteAsync($"/api/v1/suppression-lists/{dncList}/entries?type=phone&value=%2B12125550199")).StatusCode);
        // A replace takes numbers off the list: who queued it, and how many rows it removed and added.
        var replaced = await new SuppressionClient(supervisor).ImportAsync(dncList, "phone\n+12125550101\n", mode: "replace");
        Assert.Equal("succeeded", replaced.GetProperty("state").GetString());
        var schedule = await HttpAssert.Json(await supervisor.PostJson("/api/v1/schedules", new
        {
            name = "Nightly purge", cron = "0 2 * * *", timeZone = "UTC", action = new { type = "purge-expired-suppression", listId = dncList },
        }), HttpStatusCode.Created);
        var scheduleId = schedule.GetProperty("id").GetGuid();
        await HttpAssert.Json(await supervisor.PostAsync($"/api/v1/schedules/{scheduleId}/disable", null), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.DeleteAsync($"/api/v1/schedules/{scheduleId}")).StatusCode);

        var audit = (await HttpAssert.Json(await admin.GetAsync("/api/v1/audit-log?limit=100"), HttpStatusCode.OK)).EnumerateArray().ToList();
        JsonElement One(string action) => Assert.Single(audit, a => a.GetProperty("action").GetString() == action);
        var contacts = One("contact-list.exported");
        Assert.Equal((supervisorId, list.ToString(), 3L), (contacts.GetProperty("actorKeyId").GetGuid(), contacts.GetProperty("target").GetString(),
            contacts.GetProperty("detail").GetProperty("rows").GetInt64()));
        Assert.Equal(2L, One("suppression-list.exported").GetProperty("detail").GetProperty("rows").GetInt64());
        Assert.Equal(supervisorId, One("decisions.exported").GetProperty("actorKeyId").GetGuid());
        var deleted = One("suppression-entry.deleted");
        Assert.Equal(("+12125550199", dncList.ToString()), (deleted.GetProperty("detail").GetProperty("value").GetString(), deleted.GetProperty("target").GetString()));
        var queued = One("suppression.import-queued");
        Assert.Equal((supervisorId, dncList.ToString(), "replace"), (queued.GetProperty("actorKeyId").GetGuid(), queued.GetProperty("target").GetString(),
            queued.GetProperty("detail").GetProperty("mode").GetString()));
        var applied = One("suppression.import-applied").GetProperty("detail");
        Assert.Equal((1L, 1L), (applied.GetProperty("removed").GetInt64(), applied.GetProperty("added").GetInt64()));
        foreach (var action in new[] { "schedule.created", "schedule.disabled", "schedule.deleted" })
            Assert.Equal(scheduleId.ToString(), One(action).GetProperty("target").GetString());
    }
}
