using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using CxContact.Server.Tests.Suppression;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>Drives campaigns over HTTP the way an operator's script and a dialer would.</summary>
public sealed class CampaignClient(HttpClient http, HttpClient dialer)
{
    public HttpClient Http => http;
    public HttpClient Dialer => dialer;
    public ListClient Lists { get; } = new(http);
    public SuppressionClient Suppression { get; } = new(http);

    /// <summary>A new tenant: an admin client and a dialer-key client.</summary>
    public static Task<CampaignClient> NewTenantAsync(ApiFactory api) => NewTenantAsync(api.Admin(), api.Client);

    /// <summary>A new tenant made by a system admin; <paramref name="client"/> gives a client of the same server for a key.</summary>
    public static async Task<CampaignClient> NewTenantAsync(HttpClient systemAdmin, Func<string, HttpClient> client)
    {
        var created = await HttpAssert.Json(await systemAdmin.PostJson("/api/v1/tenants", new { name = "Campaigns " + Guid.NewGuid().ToString("N")[..8] }),
            HttpStatusCode.Created);
        var admin = client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
        var key = await HttpAssert.Json(await admin.PostJson("/api/v1/api-keys", new { name = "dialer", role = "dialer" }), HttpStatusCode.Created);
        return new CampaignClient(admin, client(key.GetProperty("key").GetString()!));
    }

    /// <summary>The keys of this tenant's admin and dialer clients, to reach the same tenant through another server.</summary>
    public (string Admin, string Dialer) Keys => (http.DefaultRequestHeaders.Authorization!.Parameter!, dialer.DefaultRequestHeaders.Authorization!.Parameter!);

    /// <summary>A list of contacts in New York (tz given), client ids C1..Cn, one phone each unless rows are given.</summary>
    public async Task<Guid> ListAsync(int contacts = 0, string? csv = null)
    {
        var list = await Lists.CreateListAsync();
        csv ??= "client_id,first_name,phone1,phone2,tz\n" + string.Concat(Enumerable.Range(1, contacts).Select(i => $"C{i},N{i},+1212555{i:0000},,America/New_York\n"));
        ListClient.Succeeded(await Lists.ImportAsync(list, csv));
        return list;
    }

    /// <summary>
    /// Contacts in Berlin, client ids D{first}.., one phone each: Germany has no calling-hour rules in the default rule
    /// set, so they are callable whenever a test runs on the real clock (a server process's).
    /// </summary>
    public static string BerlinCsv(int count, int first = 1) =>
        "client_id,phone1,country,tz\n" + string.Concat(Enumerable.Range(first, count).Select(i => $"D{i},+4930{10_000_000 + i},DE,Europe/Berlin\n"));

    /// <summary>A draft campaign dialing one list.</summary>
    public Task<Guid> CreateAsync(Guid list, int leaseSeconds = 300) =>
        CreateAsync(new { name = "Camp " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } }, leaseSeconds });

    public async Task<Guid> CreateAsync(object body)
    {
        var json = await HttpAssert.Json(await http.PostJson("/api/v1/campaigns", body), HttpStatusCode.Created);
        Assert.Equal("draft", json.GetProperty("state").GetString());
        return json.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> GetAsync(Guid id) => await HttpAssert.Json(await http.GetAsync($"/api/v1/campaigns/{id}"), HttpStatusCode.OK);

    public Task<HttpResponseMessage> ActAsync(Guid id, string action) => http.PostAsync($"/api/v1/campaigns/{id}/{action}", null);

    /// <summary>Waits until the campaign leaves "preloading" and no re-preload runs; returns it.</summary>
    public async Task<JsonElement> SettledAsync(Guid id)
    {
        var c = await Eventually.UntilAsync(() => GetAsync(id), x => !x.GetProperty("preloading").GetBoolean(), TimeSpan.FromSeconds(60));
        return !c.GetProperty("preloading").GetBoolean() ? c : throw new TimeoutException($"campaign {id} still preloading: {c}");
    }

    /// <summary>Starts and waits for the preload; asserts the campaign runs.</summary>
    public async Task<JsonElement> StartAsync(Guid id)
    {
        var r = await ActAsync(id, "start");
        Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        var c = await SettledAsync(id);
        Assert.True(c.GetProperty("state").GetString() == "running", c.ToString());
        return c;
    }

    public async Task<JsonElement> LeaseAsync(Guid id, int count) =>
        await HttpAssert.Json(await dialer.PostJson($"/api/v1/campaigns/{id}/leases", new { count }), HttpStatusCode.OK);

    public static IEnumerable<JsonElement> Records(JsonElement lease) => lease.GetProperty("records").EnumerateArray();

    public Task<HttpResponseMessage> ResultAsync(Guid id, Guid leaseId, long recordId, string result, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["leaseId"] = leaseId, ["recordId"] = recordId, ["result"] = result };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        return dialer.PostJson($"/api/v1/campaigns/{id}/results", body);
    }

    public async Task<JsonElement> ReportAsync(Guid id) =>
        await HttpAssert.Json(await http.GetAsync($"/api/v1/campaigns/{id}/preload-report"), HttpStatusCode.OK);

    public async Task<JsonElement> WhyAsync(Guid id, Guid contactId) =>
        await HttpAssert.Json(await http.GetAsync($"/api/v1/campaigns/{id}/records/{contactId}/why"), HttpStatusCode.OK);

    /// <summary>A messaging campaign's message counts.</summary>
    public async Task<JsonElement> MessageStatsAsync(Guid id) =>
        await HttpAssert.Json(await http.GetAsync($"/api/v1/campaigns/{id}/messages/stats"), HttpStatusCode.OK);

    /// <summary>Every message sent to a contact, with its history.</summary>
    public async Task<JsonElement> MessagesAsync(Guid contactId) =>
        await HttpAssert.Json(await http.GetAsync($"/api/v1/contacts/{contactId}/messages"), HttpStatusCode.OK);

    public async Task<Guid> ContactIdAsync(Guid listId, string clientId) =>
        (await Lists.RecordsAsync(listId)).Single(r => r.GetProperty("clientId").GetString() == clientId).GetProperty("id").GetGuid();
}
