using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Suppression;

/// <summary>Drives the suppression-list API the way a user's script would.</summary>
public sealed class SuppressionClient(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<Guid> CreateListAsync(object? body = null)
    {
        var json = await HttpAssert.Json(await http.PostJson("/api/v1/suppression-lists", body ?? new { name = "DNC " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        return json.GetProperty("id").GetGuid();
    }

    public Task<HttpResponseMessage> PostEntriesAsync(Guid listId, IEnumerable<object> entries) =>
        http.PostJson($"/api/v1/suppression-lists/{listId}/entries", new { entries });

    public async Task<JsonElement> AddAsync(Guid listId, params object[] entries) =>
        await HttpAssert.Json(await PostEntriesAsync(listId, entries), HttpStatusCode.OK);

    public async Task<bool> SuppressedAsync(Guid listId, string query)
    {
        var json = await HttpAssert.Json(await http.GetAsync($"/api/v1/suppression-lists/{listId}/lookup?{query}"), HttpStatusCode.OK);
        return json.GetProperty("suppressed").GetBoolean();
    }

    public Task<bool> PhoneSuppressedAsync(Guid listId, string phone, DateTimeOffset? at = null) =>
        SuppressedAsync(listId, "phone=" + Uri.EscapeDataString(phone) + (at is { } t ? "&at=" + Uri.EscapeDataString(t.ToString("O")) : ""));

    public async Task<JsonElement> CountAsync(Guid listId) =>
        await HttpAssert.Json(await http.GetAsync($"/api/v1/suppression-lists/{listId}/entries/count"), HttpStatusCode.OK);
}
