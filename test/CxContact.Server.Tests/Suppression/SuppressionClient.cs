using System.Net;
using System.Net.Http.Headers;
using System.Text;
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

    public Task<HttpResponseMessage> UploadAsync(Guid listId, string csv, string? mode = null, object? spec = null, string? idempotencyKey = null) =>
        UploadAsync(listId, new UTF8Encoding(false).GetBytes(csv), "suppression.csv", mode, spec, idempotencyKey);

    public async Task<HttpResponseMessage> UploadAsync(Guid listId, byte[] content, string fileName, string? mode = null, object? spec = null,
        string? idempotencyKey = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".zip", StringComparison.Ordinal) ? "application/zip" : "text/csv");
        form.Add(file, "file", fileName);
        if (mode is not null) form.Add(new StringContent(mode), "mode");
        if (spec is not null) form.Add(new StringContent(spec as string ?? JsonSerializer.Serialize(spec, JsonSerializerOptions.Web)), "spec");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/suppression-lists/{listId}/imports") { Content = form };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    /// <summary>Uploads, and waits for the import to finish; returns its final status.</summary>
    public async Task<JsonElement> ImportAsync(Guid listId, string csv, string? mode = null, object? spec = null)
    {
        var accepted = await HttpAssert.Json(await UploadAsync(listId, csv, mode, spec), HttpStatusCode.Accepted);
        return await FinishedAsync(accepted.GetProperty("statusUrl").GetString()!);
    }

    /// <summary>Uploads a file of any content (a zip, say), and waits for the import to finish.</summary>
    public async Task<JsonElement> ImportAsync(Guid listId, byte[] content, string fileName, string? mode = null, object? spec = null)
    {
        var accepted = await HttpAssert.Json(await UploadAsync(listId, content, fileName, mode, spec), HttpStatusCode.Accepted);
        return await FinishedAsync(accepted.GetProperty("statusUrl").GetString()!);
    }

    /// <summary>Waits for an accepted import to finish; returns its final status.</summary>
    public async Task<JsonElement> FinishedAsync(string statusUrl)
    {
        static bool Finished(JsonElement status) => status.GetProperty("state").GetString() is "succeeded" or "failed";
        var status = await Eventually.UntilAsync(async () => await HttpAssert.Json(await http.GetAsync(statusUrl), HttpStatusCode.OK), Finished, TimeSpan.FromSeconds(90));
        return Finished(status) ? status : throw new TimeoutException($"import still {status.GetProperty("state").GetString()}: {status}");
    }

    public async Task<List<string[]>> ImportErrorsAsync(Guid listId, Guid importId)
    {
        var response = await http.GetAsync($"/api/v1/suppression-lists/{listId}/imports/{importId}/errors");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,column,reason", lines[0]);
        return lines.Skip(1).Select(Lists.ListClient.SplitCsv).ToList();
    }
}
